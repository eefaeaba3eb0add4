using Metagenerator.Entrypoint.Script;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The script's own names (<c>mg_…</c>) are exactly those <see cref="Mg"/> defines: a name the rendered script
/// holds that is not defined is a misspelling (in a builder definition, the renderer or a <c>Shell/*.sh</c> fragment), and
/// a defined name no rendered script holds is dead.</summary>
[Tier(Tier.Unit)]
public sealed class ScriptVariableNamesTests
{
    private static HashSet<string> NamesIn(string text) => ScriptSamples.NamesIn(text);

    public static TheoryData<string, BuilderKind> Scripts() => ScriptSamples.All();

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_mg_name_in_the_rendered_script_is_defined(string sample, BuilderKind builder)
    {
        var undefined = NamesIn(ScriptSamples.Render(sample, builder)).Except(ScriptSamples.DefinedNames()).Order().ToList();
        Assert.True(undefined.Count == 0, "names not defined in Script/Mg.cs: " + string.Join(", ", undefined));
    }

    [Fact]
    public void Every_defined_name_is_in_some_rendered_script()
    {
        var used = ScriptSamples.Rendered().SelectMany(s => NamesIn(s.Script)).ToHashSet(StringComparer.Ordinal);
        var dead = ScriptSamples.DefinedNames().Except(used).Order().ToList();
        Assert.True(dead.Count == 0, "names defined in Script/Mg.cs that no rendered script holds: " + string.Join(", ", dead));
    }

    [Fact]
    public void Every_mg_name_in_the_fixed_shell_is_defined()
    {
        var defined = ScriptSamples.DefinedNames();
        var undefined = ShellFragment.All
            .SelectMany(fragment => NamesIn(ShellFragment.Source(fragment)).Where(n => !defined.Contains(n)).Select(n => $"{fragment}: {n}"))
            .ToList();
        Assert.True(undefined.Count == 0, "names not defined in Script/Mg.cs: " + string.Join(", ", undefined));
    }

    [Fact]
    public void Defined_names_are_distinct_shell_names_with_the_scripts_prefix()
    {
        var names = ScriptSamples.DefinedNames();
        Assert.NotEmpty(names);
        Assert.All(names, name =>
        {
            Assert.StartsWith(ReservedNames.ScriptPrefix, name, StringComparison.Ordinal);
            Assert.True(ScriptNames.IsShellName(name), name);
        });
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }
}
