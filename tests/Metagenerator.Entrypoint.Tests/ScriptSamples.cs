using System.Text.RegularExpressions;
using Metagenerator.Entrypoint.Script;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>Rendered scripts that together hold every part the renderer writes: both real manifests, the seed without
/// <c>build.cache</c> (kaniko without its warmer) and a hostile manifest (quotes, <c>$(…)</c>, newlines, a slot's name,
/// a secret-named config key), each for every builder.</summary>
internal static partial class ScriptSamples
{
    public static IReadOnlyList<string> Names { get; } = ["seed", "extended", "seed-without-cache", "hostile"];

    public static GeneratorManifest Manifest(string name) => name switch
    {
        "seed" => TestManifests.Seed(),
        "extended" => TestManifests.Extended(),
        "seed-without-cache" => TestManifests.Seed() with { BuildCache = [] },
        "hostile" => Hostile(),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    public static string Render(string name, BuilderKind builder) => GeneratorScript.Render(Manifest(name), builder);

    public static TheoryData<string, BuilderKind> All()
    {
        var data = new TheoryData<string, BuilderKind>();
        foreach (var name in Names)
            foreach (var builder in Enum.GetValues<BuilderKind>())
                data.Add(name, builder);
        return data;
    }

    public static IEnumerable<(string Name, string Script)> Rendered() =>
        from name in Names
        from builder in Enum.GetValues<BuilderKind>()
        select ($"{name}/{BuilderKindParser.Name(builder)}", Render(name, builder));

    /// <summary>The slot names of the fixed shell, as manifest text: they must reach the script as data.</summary>
    public const string SlotNames = "@HELP_TEXT@ @SECRET_WORD_PATTERNS@";

    private static GeneratorManifest Hostile()
    {
        var m = TestManifests.Extended();
        string[] values =
        [
            "$(touch /tmp/mg-hostile) `id` '; echo '", "a\nb; c\n", "x'$(id)'y \\ %s %n", "${IFS}$HOME\"", "*", "", SlotNames,
        ];
        return m with
        {
            Config = [.. m.Config, new KeyValuePair<string, ManifestValue>("API_TOKEN", new ManifestValue(values[0], 20, 5))],
            BuildParameters = values.Select((v, i) => new ManifestParameter($"HOSTILE_{i}", "info: " + v, new ManifestValue(v, 30 + i, 5))).ToList(),
            RuntimeParameters = [new ManifestParameter("RUNTIME_X", values[1], new ManifestValue(values[3], 50, 5))],
            OptionalParameters = [new ManifestParameter("OPTIONAL_X", SlotNames, new ManifestValue(values[2], 51, 5))],
            BuildCache = ["python:3.12-slim", "127.0.0.1:5000/base/busybox:1"],
        };
    }

    /// <summary>The script names (<c>mg_…</c>) in <paramref name="text"/>.</summary>
    public static HashSet<string> NamesIn(string text) =>
        ScriptName().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("mg_[A-Za-z0-9_]*")]
    private static partial Regex ScriptName();

    /// <summary>Every name <see cref="Mg"/> defines.</summary>
    public static IReadOnlyList<string> DefinedNames() =>
        typeof(Mg).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
}
