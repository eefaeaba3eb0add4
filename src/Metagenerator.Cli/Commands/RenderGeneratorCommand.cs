using System.CommandLine;
using Metagenerator.Generator;
using Metagenerator.Manifest;

namespace Metagenerator.Cli.Commands;

/// <summary><c>render-generator</c>: prints the entrypoint script that goes into the generator image.</summary>
internal static class RenderGeneratorCommand
{
    public static Option<string?> BuilderOption() => new("--builder")
    {
        Description = "Image builder the generator runs: kaniko (default), buildah, buildkit or docker; overrides build.builder",
    };

    public static Command Create()
    {
        var manifest = ManifestCommands.ManifestArgument();
        var builder = BuilderOption();
        var command = new Command("render-generator", "Print the generator entrypoint script (POSIX sh) for a manifest") { manifest, builder };
        command.SetAction(parse =>
        {
            var loaded = ManifestLoader.Load(parse.GetValue(manifest)!);
            var kind = ResolveBuilder(parse.GetValue(builder), loaded);
            Console.Out.Write(GeneratorScript.Render(loaded, kind));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The flag wins over the manifest's <c>build.builder</c>; kaniko is the default.</summary>
    public static BuilderKind ResolveBuilder(string? flag, GeneratorManifest manifest) =>
        flag is not null ? BuilderKindParser.Parse(flag)
        : manifest.Builder is not null ? BuilderKindParser.Parse(manifest.Builder)
        : BuilderKind.Kaniko;
}
