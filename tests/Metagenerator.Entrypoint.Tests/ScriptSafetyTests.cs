using Metagenerator.Manifest;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>No manifest or environment value is ever interpreted as shell code: hostile values reach the builder as exactly
/// those bytes and nothing they spell out runs.</summary>
[Tier(Tier.Tools)]
public class ScriptSafetyTests
{
    private static string[] Hostile(string marker) =>
    [
        $"$(touch {marker}-1)",
        $"`touch {marker}-2`",
        $"'; touch {marker}-3; echo '",
        $"\"; touch {marker}-4; echo \"",
        $"a\nb; touch {marker}-5\n",
        "  spaced  out  ",
        "*",
        "\\ back\\slash \\n %s %n %b",
        "${IFS}$HOME$(id)'\"",
        $"x'$(touch {marker}-6)'y",
        "",
    ];

    private static GeneratorManifest HostileManifest(string[] values) => TestManifests.Extended() with
    {
        BuildParameters = values.Select((v, i) => new ManifestParameter($"HOSTILE_{i}", "info: " + v, new ManifestValue(v, 30 + i, 5))).ToList(),
        RuntimeParameters = [new ManifestParameter("RUNTIME_X", values[0], new ManifestValue(values[3], 50, 5))],
        OptionalParameters = [new ManifestParameter("OPTIONAL_X", values[1], new ManifestValue(values[4], 51, 5))],
        BuildCache = [values[0], "python:3.12-slim"],
    };

    private static void AssertNoMarker(ScriptSandbox sandbox, string marker)
    {
        var hits = Directory.GetFiles(Path.GetDirectoryName(marker)!, Path.GetFileName(marker) + "*");
        Assert.True(hits.Length == 0, "a hostile value was executed: " + string.Join(", ", hits));
    }

    public static TheoryData<BuilderKind> Builders() => new(Enum.GetValues<BuilderKind>());

    [NeedsToolsTheory("busybox", "bash")]
    [MemberData(nameof(Builders))]
    public async Task Hostile_manifest_defaults_and_environment_values_arrive_verbatim(BuilderKind builder)
    {
        using var sandbox = new ScriptSandbox("Dockerfile");
        var marker = Path.Combine(sandbox.Root, "pwned");
        var hostile = Hostile(marker);
        var manifest = HostileManifest(hostile);
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = hostile[0];
        env["MODEL_INFO"] = hostile[2];
        // Environment overrides for the first half; the second half keeps the manifest defaults.
        for (var i = 0; i < hostile.Length / 2; i++) env[$"HOSTILE_{i}"] = hostile[hostile.Length - 1 - i];
        env["KANIKO_WARM_CACHE"] = "true";
        env["EXTRA_FLAGS"] = $"--cache=true $(touch {marker}-7) `touch {marker}-8` ;touch${{IFS}}{marker}-9 * '\"' \\";

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, builder), env);

        AssertNoMarker(sandbox, marker);
        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = Oracle.Calls(manifest, builder, env);
        Assert.Equal(expected.Count, run.Calls.Count);
        for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Skip(1), run.Calls[i].Skip(1));

        // And independently of the C# twin: each value is one argument, byte for byte.
        var build = run.Calls[^1];
        if (builder == BuilderKind.Buildah) build = run.Calls[0];
        for (var i = 0; i < hostile.Length; i++)
        {
            var value = i < hostile.Length / 2 ? hostile[hostile.Length - 1 - i] : hostile[i];
            Assert.Contains(build, a => a.EndsWith($".grid-a.v1.HOSTILE_{i}={value}", StringComparison.Ordinal));
            Assert.Contains(build, a => a == $"HOSTILE_{i}={value}" || a == $"build-arg:HOSTILE_{i}={value}");
        }
        Assert.Contains(build, a => a.EndsWith(".grid-a.v1.CREATED=" + hostile[0], StringComparison.Ordinal));
        Assert.Contains(build, a => a.EndsWith(".grid-a.v1.info=" + hostile[2], StringComparison.Ordinal));
        Assert.Contains(build, a => a.EndsWith(".grid-a.v1.parameters.RUNTIME_X=" + hostile[3], StringComparison.Ordinal));
        Assert.Contains(build, a => a.EndsWith(".grid-a.v1.parameters.optional.OPTIONAL_X=" + hostile[4], StringComparison.Ordinal));
        string[] extraWords = ["$(touch", $"{marker}-7)", "`touch", $"{marker}-8`", ";touch${IFS}" + marker + "-9", "*", "'\"'", "\\"];
        var passed = builder == BuilderKind.Kaniko ? ["--cache=true", .. extraWords] : extraWords;
        var tail = builder is BuilderKind.Kaniko or BuilderKind.BuildKit ? build.TakeLast(passed.Length) : build.SkipLast(1).TakeLast(passed.Length);
        Assert.Equal(passed, tail);
        if (builder == BuilderKind.Kaniko)
            Assert.Contains("--image=" + hostile[0], run.Calls[0]); // the warmer ran with the hostile cache image as one word
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Hostile_help_texts_print_verbatim_and_run_nothing()
    {
        using var sandbox = new ScriptSandbox("Dockerfile");
        var marker = Path.Combine(sandbox.Root, "pwned");
        var hostile = Hostile(marker);
        var manifest = HostileManifest(hostile);

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), sandbox.BaseEnvironment(), "--help");

        AssertNoMarker(sandbox, marker);
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Calls);
        Assert.Equal(GeneratorScript.HelpText(manifest, BuilderKind.Kaniko), run.StdOut);
        Assert.Contains("info: " + hostile[0], run.StdOut);
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData("IFS")]
    [InlineData("PATH")]
    [InlineData("mg_dest")]
    [InlineData("MODEL_NAME")]
    [InlineData("BAD-NAME")]
    [InlineData("1ST")]
    [InlineData("A;touch x")]
    public void Names_that_cannot_be_script_variables_are_refused(string name)
    {
        var manifest = TestManifests.Seed() with
        {
            BuildParameters = [new ManifestParameter(name, "x", new ManifestValue("v", 9, 5))],
        };
        var e = Assert.Throws<ManifestException>(() => GeneratorScript.Render(manifest, BuilderKind.Kaniko));
        var error = Assert.Single(e.Errors);
        Assert.Equal(("seed/GENERATOR-MANIFEST.yml", 9, 5), (error.File, error.Line, error.Column));
        Assert.Contains(name, e.Message);
    }

    [NeedsToolsFact("busybox", "bash")]
    public void A_NUL_in_a_value_is_refused()
    {
        var manifest = TestManifests.WithParameterDefault(TestManifests.Seed(), "GRID_DATA", "a\0b");
        Assert.Throws<ArgumentException>(() => GeneratorScript.Render(manifest, BuilderKind.Kaniko));
    }
}
