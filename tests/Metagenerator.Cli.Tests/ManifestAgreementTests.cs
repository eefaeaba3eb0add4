using System.Text;
using CsCheck;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>Runs the CLI in-process alone: it redirects the process-wide console.</summary>
[CollectionDefinition(nameof(InProcessCli), DisableParallelization = true)]
public sealed class InProcessCli;

/// <summary>
/// Issue 10 item 2: over generated manifests (reserved names, names and versions the Model API refuses, odd keys),
/// <c>validate</c> accepts ⇔ <c>render-generator</c> succeeds ⇔ <c>build --no-push</c> gets past the manifest, and
/// when they refuse, all three report the same FILE:LINE:COL errors. The CLI runs in-process; the build's base is a
/// local OCI layout, so no registry is involved.
/// </summary>
[Collection(nameof(InProcessCli))]
[Tier(Tier.Unit)]
public sealed class ManifestAgreementTests
{
    private static readonly string[] Names = ["gen", "g1", "grid-sim", "a--b", "g", "grid_sim", "grid__sim", "Gen", "gen-", "-gen", "my.gen"];

    private static readonly string[] Versions = ["v1", "10", "V-2", "1", "v_1", "v1.0", "-v1", "'v'", "v" + new string('9', 128)];

    /// <summary>Config keys and parameter names: free (a builder setting is free on purpose), reserved by the script or its shell, and not names at all.</summary>
    private static readonly string[] VariableNames =
    [
        "EXTRA", "PATH_TO_DATA", "MG_X", "_x", "BUILDKIT_HOST",
        "PATH", "mg_dest", "mg_", "HOME", "IFS", "PWD", "MODEL_NAME", "CREATED", "BASH_ENV", "UID", "_", "LC_ALL",
        "1A", "MY-KEY", "'a b'", "ü",
    ];

    private static readonly string[] BuildSections = ["", "  build:\n    builder: buildah\n    cache: [python:3.12]\n", "  build:\n    builder: kanik\n", "  build:\n    base_image: 'oci:layout:'\n", "  build:\n    cache: [Python]\n"];

    private sealed record Case(int Name, int Version, int[] Config, int[] BuildParameters, int[] RuntimeParameters, bool Extended, int Build)
    {
        public string Yaml()
        {
            var yaml = new StringBuilder();
            yaml.Append(Names[Name]).Append(":\n  version: ").Append(Versions[Version]).Append('\n');
            yaml.Append("  config:\n    GENERATOR_REGISTRY: localhost:5000\n    MODEL_REGISTRY: localhost:5000\n    MODEL_DOCKERFILE: Dockerfile\n");
            foreach (var i in Config.Distinct()) yaml.Append("    ").Append(VariableNames[i]).Append(": value\n");
            Parameters(yaml, Extended ? "generation_parameters" : "parameters", "default", BuildParameters, always: Extended);
            if (Extended) Parameters(yaml, "parameters", "example", RuntimeParameters, always: false);
            return yaml.Append(BuildSections[Build]).ToString();
        }

        /// <summary>Writes a parameter section; an empty one only when <paramref name="always"/> (generation_parameters selects the extended schema).</summary>
        private static void Parameters(StringBuilder yaml, string section, string valueKey, int[] names, bool always)
        {
            if (names.Length == 0 && !always) return;
            yaml.Append("  ").Append(section).Append(":\n");
            foreach (var i in names.Distinct())
                yaml.Append("    ").Append(VariableNames[i]).Append(":\n      info: something\n      ").Append(valueKey).Append(": 042\n");
        }
    }

    /// <summary>Mostly a valid entry (the first <paramref name="valid"/> of the pool), sometimes any: both outcomes stay frequent.</summary>
    private static Gen<int> Pick(int valid, int poolSize) => Gen.Frequency((5, Gen.Int[0, valid - 1]), (1, Gen.Int[0, poolSize - 1]));

    private static readonly Gen<int[]> SomeNames = Pick(5, VariableNames.Length).Array[0, 2];

    private static readonly Gen<Case> Cases =
        from name in Pick(4, Names.Length)
        from version in Pick(3, Versions.Length)
        from config in SomeNames
        from build in SomeNames
        from runtime in SomeNames
        from extended in Gen.Bool
        from buildSection in Pick(2, BuildSections.Length)
        select new Case(name, version, config, build, runtime, extended, buildSection);

    private static readonly SemaphoreSlim ConsoleLock = new(1, 1);

    /// <summary>Runs the CLI in this process; returns its exit code and what it wrote.</summary>
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        await ConsoleLock.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        try
        {
            using var capturedOut = new StringWriter();
            using var capturedErr = new StringWriter();
            Console.SetOut(capturedOut);
            Console.SetError(capturedErr);
            var code = await Cli.RunAsync(args);
            return (code, capturedOut.ToString(), capturedErr.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            ConsoleLock.Release();
        }
    }

    private static string[] ErrorLines(string output, string manifestPath) =>
        [.. output.Split('\n').Where(l => l.StartsWith(manifestPath + ":", StringComparison.Ordinal))];

    [Fact]
    public async Task Validate_render_generator_and_build_agree_on_every_manifest()
    {
        var layout = await TestImages.BaseLayoutAsync();
        using var workspace = new TempDirectory("mg-agreement");
        workspace.WriteFile("model-src/Dockerfile", "FROM scratch\n");
        var manifestPath = workspace.Combine("GENERATOR-MANIFEST.yml");
        int accepted = 0, refused = 0;

        // A bounded number of cases, one at a time (no clock): enough to meet every pool entry several times.
        await Cases.SampleAsync(async c =>
        {
            var yaml = c.Yaml();
            await File.WriteAllTextAsync(manifestPath, yaml);
            var validate = await RunAsync("validate", manifestPath);
            var render = await RunAsync("render-generator", manifestPath);
            var build = await RunAsync("build", manifestPath, workspace.Combine("model-src"), "--workspace", workspace.Path,
                "--no-push", "--generator-base", $"oci:{layout}:{TestImages.BaseTag}");

            var because = $"manifest:\n{yaml}\nvalidate:\n{validate.Err}\nrender-generator:\n{render.Err}\nbuild:\n{build.Err}";
            Assert.True(validate.Code is 0 or 2, because);
            if (validate.Code == 0)
            {
                accepted++;
                Assert.True(render.Code == 0, because);
                Assert.StartsWith("#!/bin/sh", render.Out, StringComparison.Ordinal);
                Assert.True(build.Code == 0, because);
            }
            else
            {
                refused++;
                var errors = ErrorLines(validate.Err, manifestPath);
                Assert.True(errors.Length > 0, because);
                Assert.True(render.Code == 2, because);
                Assert.True(build.Code == 2, because);
                Assert.Equal(errors, ErrorLines(render.Err, manifestPath));
                Assert.Equal(errors, ErrorLines(build.Err, manifestPath));
            }
        }, iter: 150, threads: 1);

        // The generator is not degenerate: both outcomes occur often.
        Assert.True(accepted >= 20 && refused >= 20, $"accepted {accepted}, refused {refused}");
    }
}
