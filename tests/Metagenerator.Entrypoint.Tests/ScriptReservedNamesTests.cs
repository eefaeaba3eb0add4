using System.Text.RegularExpressions;
using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>
/// Every variable the rendered generator script reads or sets is the manifest's own (a config key or build parameter),
/// the script's (<c>mg_</c>), a builder setting its help lists (which a config key may set on purpose), or a name
/// <see cref="ReservedNames"/> reserves: so the validator's rule covers what the script really uses, for every builder.
/// </summary>
[Tier(Tier.Unit)]
public sealed partial class ScriptReservedNamesTests
{
    [GeneratedRegex(@"\$\{?#?([A-Za-z_][A-Za-z0-9_]*)|(?:^|[\s;(])(?:unset\s+)?([A-Za-z_][A-Za-z0-9_]*)=", RegexOptions.Multiline)]
    private static partial Regex VariableUse();

    /// <summary>Single-quoted text is data (help, messages, manifest values), and comment lines are prose: neither is code.</summary>
    [GeneratedRegex(@"'[^']*'|^\s*#.*$", RegexOptions.Multiline)]
    private static partial Regex NotCode();

    public static TheoryData<string, BuilderKind> Scripts()
    {
        var data = new TheoryData<string, BuilderKind>();
        foreach (var fixture in new[] { "seed-example/GENERATOR-MANIFEST.yml", "realworld-extended/GENERATOR-MANIFEST.yml" })
            foreach (var builder in Enum.GetValues<BuilderKind>())
                data.Add(fixture, builder);
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_variable_the_script_uses_is_the_manifests_the_scripts_or_reserved(string fixture, BuilderKind builder)
    {
        var manifest = ManifestLoader.Load(Path.Combine(AppContext.BaseDirectory, "TestData", fixture));
        // An embedded quote ('\'') joins two single-quoted strings; drop it first so the pair reads as one string.
        var code = NotCode().Replace(GeneratorScript.Render(manifest, builder).Replace("'\\''", ""), "''");
        var manifestNames = manifest.Config.Select(c => c.Key).Concat(manifest.BuildParameters.Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
        var builderSettings = HelpSettings(manifest, builder).Where(name => ReservedNames.Reason(name) is null).ToHashSet(StringComparer.Ordinal);

        var used = VariableUse().Matches(code)
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("MODEL_NAME", used); // the scan sees the script's inputs
        Assert.Contains("IFS", used);
        var unreserved = used
            .Where(name => !manifestNames.Contains(name) && !builderSettings.Contains(name) && ReservedNames.Reason(name) is null)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Empty(unreserved);
    }

    /// <summary>The names under "Generator settings:" in the script's help: its inputs, then the builder's settings.</summary>
    private static IEnumerable<string> HelpSettings(GeneratorManifest manifest, BuilderKind builder)
    {
        var help = GeneratorScript.HelpText(manifest, builder);
        return help[help.IndexOf("Generator settings:", StringComparison.Ordinal)..]
            .Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("   ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[0]);
    }
}
