using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>The metagenerator image's command line (METAGENERATOR_DEFAULT_COMMAND=build), run in a child process.</summary>
[Tier(Tier.Tools)]
public class WorkspaceDefaultsTests
{
    private static readonly Dictionary<string, string?> InImage = new() { ["METAGENERATOR_DEFAULT_COMMAND"] = "build" };

    private static TempDirectory Workspace()
    {
        var ws = new TempDirectory("mg-wsdefaults");
        ws.WriteFile("GENERATOR-MANIFEST.yml", """
            ws-gen:
              version: v1
              config:
                GENERATOR_REGISTRY: localhost:5000
                MODEL_REGISTRY: localhost:5000
                MODEL_DOCKERFILE: Dockerfile
              parameters: {}
            """);
        return ws;
    }

    [NeedsToolsFact("dotnet")]
    public async Task No_arguments_run_build_with_the_workspace_defaults()
    {
        using var ws = Workspace();

        var run = await CliRunner.RunAsync(ws.Path, InImage);

        // build ran on GENERATOR-MANIFEST.yml and looked for model-src in the working directory.
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(Path.Combine(ws.Path, "model-src"), run.StdErr);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Without_the_variable_no_arguments_is_a_usage_error_as_before()
    {
        using var ws = Workspace();

        var run = await CliRunner.RunAsync(ws.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("model-src", run.StdErr);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Positional_arguments_are_the_manifest_and_model_source_of_build()
    {
        using var ws = Workspace();
        File.Move(ws.Combine("GENERATOR-MANIFEST.yml"), ws.Combine("custom.yml"));

        var run = await CliRunner.RunAsync(ws.Path, InImage, "custom.yml", "my-src");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(Path.Combine(ws.Path, "my-src"), run.StdErr);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Other_commands_stay_reachable_by_name()
    {
        using var ws = Workspace();

        var labels = await CliRunner.RunAsync(ws.Path, InImage, "labels");

        Assert.Equal(0, labels.ExitCode);
        Assert.Contains("ws-gen.v1.config.MODEL_REGISTRY=localhost:5000", labels.StdOut);
    }

    [NeedsToolsTheory("dotnet")]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_explains_the_image_then_the_build_flags(string word)
    {
        using var ws = Workspace();

        var run = await CliRunner.RunAsync(ws.Path, InImage, word);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("docker run --rm -v DIR:/workspace metagenerator", run.StdOut);
        Assert.Contains("--tar-path", run.StdOut);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Help_with_a_command_shows_that_command()
    {
        using var ws = Workspace();

        var run = await CliRunner.RunAsync(ws.Path, InImage, "help", "validate");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--model-src", run.StdOut);
        Assert.DoesNotContain("--tar-path", run.StdOut);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Extra_flags_apply_to_the_default_build()
    {
        using var ws = Workspace();

        var run = await CliRunner.RunAsync(ws.Path, new Dictionary<string, string?>(InImage) { ["EXTRA_FLAGS"] = "--no-such-flag" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--no-such-flag", run.StdErr);
        Assert.Contains("EXTRA_FLAGS", run.StdErr);
    }
}
