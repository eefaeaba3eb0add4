using System.Text.Json;
using System.Text.RegularExpressions;
using Metagenerator.Entrypoint.Script;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The fixed shell (<c>Script/Shell/*.sh</c>) and whole rendered scripts parse as POSIX sh (dash's and busybox's
/// <c>sh -n</c>) and pass shellcheck at every severity (<c>--severity=style</c>); the findings that are intended are
/// allowed one by one below, each with its reason, and any other finding fails.</summary>
[Tier(Tier.Tools)]
public sealed class ShellCheckTests
{
    /// <summary>One shellcheck finding (its <c>json1</c> output).</summary>
    private sealed record Finding(int Line, int Column, int Code, string Level, string Message)
    {
        public override string ToString() => $"line {Line} col {Column}: SC{Code} ({Level}) {Message}";

        /// <summary>The variable an SC2034 ("X appears unused") finding names.</summary>
        public string Variable => Message.Split(' ')[0];
    }

    /// <summary>mg_is_mount_point reads whole mountinfo lines: fields 1–4 and the rest only hold the place of field 5.</summary>
    private static readonly string[] ReadPlaceholders = [Mg.MountField1, Mg.MountField2, Mg.MountField3, Mg.MountField4, Mg.MountRest];

    public static TheoryData<string> Fragments() => new(ShellFragment.All);

    public static TheoryData<string, BuilderKind> Scripts() => ScriptSamples.All();

    private static async Task AssertParses(string text, string what)
    {
        foreach (var shell in new[] { new[] { "sh", "-n" }, ["busybox", "sh", "-n"] })
        {
            var result = await ExternalTool.RunAsync(shell[0], shell[1..], stdin: text);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', shell)} refuses {what}:\n{result.StdErr}");
        }
    }

    private static async Task<IReadOnlyList<Finding>> ShellCheck(string text, params string[] excluded)
    {
        string[] args = ["--shell=sh", "--severity=style", "--format=json1", .. excluded.Select(code => "--exclude=" + code), "-"];
        var result = await ExternalTool.RunAsync("shellcheck", args, stdin: text);
        // 0: no findings, 1: findings; anything else is shellcheck failing.
        Assert.True(result.ExitCode is 0 or 1, $"shellcheck exited {result.ExitCode}: {result.StdErr}");
        using var json = JsonDocument.Parse(result.StdOut);
        return json.RootElement.GetProperty("comments").EnumerateArray()
            .Select(c => new Finding(c.GetProperty("line").GetInt32(), c.GetProperty("column").GetInt32(), c.GetProperty("code").GetInt32(),
                c.GetProperty("level").GetString()!, c.GetProperty("message").GetString()!))
            .ToList();
    }

    /// <summary>Whether a finding is intended; <paramref name="lines"/> are the checked text's lines.</summary>
    private static bool Intended(Finding f, string[] lines)
    {
        var line = lines[f.Line - 1];
        return f.Code switch
        {
            // SC2086 (unquoted expansion): the argv splice of a list variable. Its words are whitespace-free and globbing is
            // off (set -f), so splitting it into words is the point (ShellWriter, SpliceItem).
            2086 => Regex.IsMatch(line, @"^\s*set -- ""\$@"" \$\{mg_[a-z0-9_]+\}$"),
            // SC2016 (expressions don't expand in single quotes): manifest values and the help text are single-quoted so that
            // they never expand; a '$' in them is data. Allowed only where the finding starts a single-quoted word.
            2016 => f.Column - 1 < line.Length && line[f.Column - 1] == '\'',
            // SC2034 (assigned, never read): read's placeholder fields.
            2034 => ReadPlaceholders.Contains(f.Variable),
            _ => false,
        };
    }

    [NeedsToolsTheory("sh", "busybox")]
    [MemberData(nameof(Fragments))]
    public async Task Fragment_parses_as_posix_sh(string fragment) =>
        await AssertParses(ShellFragment.Source(fragment), fragment);

    [NeedsToolsTheory("shellcheck")]
    [MemberData(nameof(Fragments))]
    public async Task Fragment_passes_shellcheck(string fragment)
    {
        var source = ShellFragment.Source(fragment);
        // SC2154 (referenced, not assigned): a fragment reads variables the steps rendered before it set (mg_words,
        // mg_dest); the whole rendered scripts are checked without this exclusion.
        var findings = await ShellCheck(source, "SC2154");
        var unexpected = findings.Where(f => !Intended(f, source.Split('\n'))).ToList();
        Assert.True(unexpected.Count == 0, $"shellcheck on {fragment}:\n" + string.Join('\n', unexpected));
    }

    [NeedsToolsTheory("sh", "busybox")]
    [MemberData(nameof(Scripts))]
    public async Task Rendered_script_parses_as_posix_sh(string sample, BuilderKind builder) =>
        await AssertParses(ScriptSamples.Render(sample, builder), $"the {sample} script for {builder}");

    [NeedsToolsFact("shellcheck")]
    public async Task Rendered_scripts_pass_shellcheck()
    {
        var results = new List<(string Name, string Script, IReadOnlyList<Finding> Findings)>();
        foreach (var (name, script) in ScriptSamples.Rendered())
            results.Add((name, script, await ShellCheck(script)));

        // SC2034 (assigned, never read) in one script is intended when another script reads the variable: the common steps
        // and the EXTRA_FLAGS scan set variables for every builder, and each builder reads its own (mg_push_retry_given:
        // buildah; mg_warm: kaniko with build.cache). A variable no script reads is dead and fails.
        var readSomewhere = results
            .SelectMany(r => ScriptSamples.NamesIn(r.Script).Where(n => !r.Findings.Any(f => f.Code == 2034 && f.Variable == n)))
            .ToHashSet(StringComparer.Ordinal);
        var unexpected = results
            .SelectMany(r => r.Findings
                .Where(f => !Intended(f, r.Script.Split('\n')) && !(f.Code == 2034 && readSomewhere.Contains(f.Variable)))
                .Select(f => $"{r.Name}: {f}"))
            .ToList();
        Assert.True(unexpected.Count == 0, "shellcheck findings:\n" + string.Join('\n', unexpected));
    }
}
