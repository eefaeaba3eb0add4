using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Entrypoint.Tests;

/// <summary>Issue 10 item 1, the script's part: names and tags the Model API refuses still build, with a warning that names its rule.</summary>
[Tier(Tier.Tools)]
public class ModelApiNamingTests
{
    [NeedsToolsTheory("busybox", "bash")]
    [InlineData("grid-a", "v1", null)]
    [InlineData("a__b", "v1", "MODEL_NAME")]
    [InlineData("a", "v1", "MODEL_NAME")]
    [InlineData("grid-a", "V1", "MODEL_TAG")]
    [InlineData("grid-a", "_x", "MODEL_TAG")]
    [InlineData("grid-a", "0", "MODEL_TAG")]
    public async Task Names_outside_the_Model_API_rule_build_with_a_warning_naming_it(string name, string tag, string? warned)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = name;
        env["MODEL_TAG"] = tag;
        env["CREATED"] = "2026-11-25T10:00:00+00:00";

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        if (warned is null)
        {
            Assert.DoesNotContain("warning", run.StdErr);
        }
        else
        {
            var value = warned == "MODEL_NAME" ? name : tag;
            Assert.Contains($"generator: warning: {warned} '{value}' is accepted for a direct run, but the Model API only accepts " +
                            "model names and tags matching ^[a-z0-9][a-z0-9-]+$", run.StdErr);
        }
        var messages = Oracle.Run(manifest, BuilderKind.Kaniko, env).Messages;
        Assert.Equal(warned is null ? 0 : 1, messages.Count);
        foreach (var message in messages) Assert.Contains("generator: " + message + "\n", run.StdErr);
    }

    [NeedsToolsFact("busybox", "bash")]
    public void Help_names_the_Model_API_rule_for_names_and_tags()
    {
        var help = GeneratorScript.HelpText(TestManifests.Seed(), BuilderKind.Kaniko);
        Assert.Contains("  MODEL_NAME (required)\n      the model's name: ", help);
        Assert.Equal(2, help.Split("The Model API only accepts ^[a-z0-9][a-z0-9-]+$").Length - 1);
    }

    [NeedsToolsFact("busybox", "bash")]
    public void The_scripts_verbosity_names_are_the_clis()
    {
        Assert.Equal(["panic", "fatal", "error", "warn", "info", "debug", "trace"], ModelNaming.VerbosityLevels);
        Assert.Contains(string.Join(", ", ModelNaming.VerbosityLevels), GeneratorScript.HelpText(TestManifests.Seed(), BuilderKind.Kaniko));
    }
}
