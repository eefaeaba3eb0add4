using System.Text.RegularExpressions;
using Metagenerator.Entrypoint.Script;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The fixed shell (<c>Script/Shell/*.sh</c>) reaches the script as it stands: notes dropped, slots filled once
/// with the renderer's text and never with manifest text.</summary>
[Tier(Tier.Unit)]
public sealed partial class ShellFragmentTests
{
    [GeneratedRegex("@[A-Z][A-Z_]*@")]
    private static partial Regex Slot();

    public static TheoryData<string> Fragments() => new(ShellFragment.All);

    [Theory]
    [MemberData(nameof(Fragments))]
    public void Every_fragment_is_embedded_and_is_in_every_rendered_script_without_its_notes(string fragment)
    {
        var source = ShellFragment.Source(fragment);
        Assert.StartsWith("## ", source, StringComparison.Ordinal);
        var body = string.Join('\n', source.Split('\n').SkipWhile(l => l.StartsWith("## ", StringComparison.Ordinal)));
        Assert.DoesNotContain("\n## ", "\n" + body, StringComparison.Ordinal);
        foreach (var (name, script) in ScriptSamples.Rendered())
        {
            Assert.DoesNotContain("\n## ", script, StringComparison.Ordinal);
            // Each text between slots (the whole file when it has none) is in the script verbatim.
            foreach (var part in Slot().Split(body))
                Assert.True(script.Contains(part, StringComparison.Ordinal), $"{name} lacks this part of {fragment}:\n{part}");
        }
    }

    [Fact]
    public void A_slot_not_given_or_not_in_the_file_is_refused()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => ShellFragment.Render(ShellFragment.Arguments));
        Assert.Contains("HELP_TEXT", missing.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<InvalidOperationException>(() =>
            ShellFragment.Render(ShellFragment.Finish, new Dictionary<string, string> { ["HELP_TEXT"] = "''" }));
        Assert.Contains("finish.sh", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Slot_names_in_manifest_text_reach_the_script_as_data()
    {
        // The help text is put into the HELP_TEXT slot; a slot name inside it must stay as written, not be filled again.
        var manifest = ScriptSamples.Manifest("hostile");
        var script = GeneratorScript.Render(manifest, BuilderKind.Kaniko);
        var help = GeneratorScript.HelpText(manifest, BuilderKind.Kaniko);
        Assert.Contains(ScriptSamples.SlotNames, help, StringComparison.Ordinal);
        Assert.Contains("printf '%s' " + ShellQuote.Literal(help) + "\n      exit 0 ;;\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_sets_IFS_to_space_tab_newline_and_turns_globbing_off()
    {
        // The header stays in C# (GeneratorScript.Render): this pins the bytes the busybox sh word splitting relies on.
        var script = ScriptSamples.Render("seed", BuilderKind.Kaniko);
        Assert.Contains("\nset -f\nIFS=' \t\n'\n", script, StringComparison.Ordinal);
    }
}
