using System.Text;
using Metagenerator.Manifest;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>Random hostile text in manifest defaults, runtime labels, the environment and EXTRA_FLAGS: the script and its
/// C# twin agree on every argv (or on refusing the input), and nothing the text spells out runs.</summary>
[Tier(Tier.Tools)]
public class ScriptFuzzTests
{
    private const string Alphabet = "$`'\"\\;&|(){}*?[]~#!%= \t\nabcXYZ019-_./:üé€";

    private static string RandomText(Random random, int maxLength, bool allowWhitespace = true)
    {
        var length = random.Next(0, maxLength + 1);
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            var c = Alphabet[random.Next(Alphabet.Length)];
            if (!allowWhitespace && c is ' ' or '\t' or '\n') continue;
            sb.Append(c);
        }
        return sb.ToString();
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Random_hostile_values_agree_with_the_csharp_twin_and_run_nothing(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 12; round++)
        {
            var builders = Enum.GetValues<BuilderKind>();
            var builder = builders[round % builders.Length];
            var manifest = TestManifests.Extended() with
            {
                BuildParameters = Enumerable.Range(0, 4)
                    .Select(i => new ManifestParameter($"P{i}", RandomText(random, 20), new ManifestValue(RandomText(random, 30), 20 + i, 5))).ToList(),
                RuntimeParameters = [new ManifestParameter("R0", RandomText(random, 20), new ManifestValue(RandomText(random, 30), 40, 5))],
                OptionalParameters = [new ManifestParameter("O0", RandomText(random, 20), new ManifestValue(RandomText(random, 30), 41, 5))],
                BuildCache = [RandomText(random, 15, allowWhitespace: false)],
            };
            using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
            var env = sandbox.BaseEnvironment();
            env["MODEL_NAME"] = "m";
            env["MODEL_TAG"] = "t";
            env["CREATED"] = RandomText(random, 25);
            if (random.Next(2) == 0) env["MODEL_INFO"] = RandomText(random, 25);
            if (random.Next(2) == 0) env["P1"] = RandomText(random, 25);
            if (random.Next(2) == 0) env["P3"] = "";
            env["EXTRA_FLAGS"] = string.Join(random.Next(2) == 0 ? " " : "\n\t ",
                Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(4) switch
                {
                    0 => "--cache=true",
                    1 => "--insecure-registry",
                    2 => "--skip-tls-verify",
                    _ => RandomText(random, 12, allowWhitespace: false) is { Length: > 0 } w ? w : "x",
                }));

            var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, builder), env);

            Assert.Empty(Directory.GetFileSystemEntries(sandbox.Root).Select(Path.GetFileName)
                .Except(["bin", "records", "model-src", "generator.sh", "tmp", "env"]));
            IReadOnlyList<IReadOnlyList<string>> expected;
            try
            {
                expected = Oracle.Calls(manifest, builder, env);
            }
            catch (GeneratorInputException e)
            {
                Assert.True(run.ExitCode == 2, $"seed {seed} round {round}: C# refused ({e.Message}) but the script: {run}");
                Assert.Contains(e.Message, run.StdErr);
                Assert.Empty(run.Calls);
                continue;
            }
            Assert.True(run.ExitCode == 0, $"seed {seed} round {round} ({builder}): {run}");
            Assert.Equal(expected.Count, run.Calls.Count);
            for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Skip(1), run.Calls[i].Skip(1));
        }
    }

    [NeedsToolsFact("busybox", "bash")]
    public void Rendering_is_deterministic()
    {
        foreach (var builder in Enum.GetValues<BuilderKind>())
            Assert.Equal(GeneratorScript.Render(TestManifests.Extended(), builder), GeneratorScript.Render(TestManifests.Extended(), builder));
    }
}
