namespace Metagenerator.Manifest;

/// <summary>Parses builder names as written on the command line and in <c>build.builder</c>: the one list of builder
/// names (the manifest validator checks <c>build.builder</c> against <see cref="AllowedNames"/>).</summary>
public static class BuilderKindParser
{
    /// <summary>The accepted names, in the order they are listed in messages.</summary>
    public static IReadOnlyList<string> AllowedNames { get; } = ["kaniko", "buildah", "buildkit", "docker"];

    /// <summary>Parses <paramref name="text"/> (case-insensitive); throws <see cref="InvalidInputException"/> naming the allowed values.</summary>
    public static BuilderKind Parse(string text) =>
        TryParse(text, out var kind)
            ? kind
            : throw new InvalidInputException(
                $"unknown builder '{text}': allowed values are {string.Join(", ", AllowedNames)}");

    /// <summary>The builder for a run: <paramref name="requested"/> (the CLI's <c>--builder</c>) when given, else the
    /// manifest's <c>build.builder</c>, else kaniko. Throws <see cref="InvalidInputException"/> naming where the bad value came from.</summary>
    public static BuilderKind Resolve(string? requested, GeneratorManifest manifest)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return TryParse(requested, out var fromCli) ? fromCli : throw new InvalidInputException(
                $"--builder: unknown builder '{requested}': allowed values are {string.Join(", ", AllowedNames)}");
        }
        if (!string.IsNullOrWhiteSpace(manifest.Builder))
        {
            return TryParse(manifest.Builder, out var fromManifest) ? fromManifest : throw new InvalidInputException(
                $"{manifest.Path}: build.builder: unknown builder '{manifest.Builder}': allowed values are {string.Join(", ", AllowedNames)}");
        }
        return BuilderKind.Kaniko;
    }

    /// <summary>Parses <paramref name="text"/> (case-insensitive) without throwing.</summary>
    public static bool TryParse(string? text, out BuilderKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "kaniko": kind = BuilderKind.Kaniko; return true;
            case "buildah": kind = BuilderKind.Buildah; return true;
            case "buildkit": kind = BuilderKind.BuildKit; return true;
            case "docker": kind = BuilderKind.Docker; return true;
            default: kind = default; return false;
        }
    }

    /// <summary>The lower-case name of <paramref name="kind"/> as users write it.</summary>
    public static string Name(BuilderKind kind) => kind switch
    {
        BuilderKind.Kaniko => "kaniko",
        BuilderKind.Buildah => "buildah",
        BuilderKind.BuildKit => "buildkit",
        BuilderKind.Docker => "docker",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
