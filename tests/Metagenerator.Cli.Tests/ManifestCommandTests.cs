using System.Text.Json;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>validate, labels, init, render-generator, --help and --version, run as a user runs them.</summary>
[Tier(Tier.Tools)]
public class ManifestCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name, "GENERATOR-MANIFEST.yml");

    [NeedsToolsFact("dotnet")]
    public async Task Version_and_help_describe_every_command()
    {
        using var dir = new TempDirectory();
        var version = await CliRunner.RunAsync(dir.Path, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("0.1.0", version.StdOut.Trim());

        var help = await CliRunner.RunAsync(dir.Path, "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "validate", "labels", "init", "render-generator", "build" })
        {
            Assert.Contains(command, help.StdOut);
            var commandHelp = await CliRunner.RunAsync(dir.Path, command, "--help");
            Assert.Equal(0, commandHelp.ExitCode);
            Assert.Contains($"metagenerator {command}", commandHelp.StdOut);
        }
    }

    [NeedsToolsTheory("dotnet")]
    [InlineData("seed-example", "example-generator:v3, seed schema")]
    [InlineData("realworld-extended", "reformers-dt-wind-gen-fc:v1, extended schema")]
    public async Task Validate_accepts_the_real_manifests(string fixture, string summary)
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync(dir.Path, "validate", Fixture(fixture));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(summary, result.StdOut);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Validate_reports_every_problem_with_file_line_and_key_and_exits_2()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("GENERATOR-MANIFEST.yml", """
            Example-Gen:
              version: v1.0
              config:
                GENERATOR_REGISTRY: localhost:5000
                MODEL_REGISTRY: localhost:5000
                MODEL_DOCKERFILE: ../Dockerfile
              paramters:
                A:
                  info: a
                  default: 1
            """);
        var result = await CliRunner.RunAsync(dir.Path, "validate");
        Assert.Equal(2, result.ExitCode);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("GENERATOR-MANIFEST.yml:1:1: error: Example-Gen", StringComparison.Ordinal) && l.Contains("upper-case"));
        Assert.Contains(lines, l => l.StartsWith("GENERATOR-MANIFEST.yml:2:", StringComparison.Ordinal) && l.Contains("version"));
        Assert.Contains(lines, l => l.StartsWith("GENERATOR-MANIFEST.yml:6:", StringComparison.Ordinal) && l.Contains("MODEL_DOCKERFILE"));
        Assert.Contains(lines, l => l.StartsWith("GENERATOR-MANIFEST.yml:7:", StringComparison.Ordinal) && l.Contains("did you mean 'parameters'"));
        Assert.DoesNotContain("   at ", result.StdErr);

        var json = await CliRunner.RunAsync(dir.Path, "validate", "--format", "json");
        Assert.Equal(2, json.ExitCode);
        using var doc = JsonDocument.Parse(json.StdOut);
        Assert.Equal(lines.Length, doc.RootElement.GetArrayLength());
        Assert.Equal(7, doc.RootElement.EnumerateArray().Single(e => e.GetProperty("message").GetString()!.Contains("did you mean")).GetProperty("line").GetInt32());
    }

    [NeedsToolsFact("dotnet")]
    public async Task Validate_with_model_source_requires_the_model_dockerfile()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("model-src/Dockerfile", "FROM scratch\n");
        var result = await CliRunner.RunAsync(dir.Path, "validate", Fixture("seed-example"), "--model-src", dir.Combine("model-src"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("config.MODEL_DOCKERFILE", result.StdErr);
        Assert.Contains("'Dockerfile_model' does not exist", result.StdErr);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Labels_prints_the_contract_labels_in_manifest_order()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync(dir.Path, "labels", Fixture("seed-example"));
        Assert.Equal(0, result.ExitCode);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("example-generator.v3.config.GENERATOR_REGISTRY=reformers-dev.ait.ac.at:8082", lines[0]);
        Assert.Equal("example-generator.v3.parameters.CONFIG_FILE.info=path to config file with default values", lines[3]);
        Assert.Equal("example-generator.v3.parameters.CONFIG_FILE.default=/config/config.yml", lines[4]);
        Assert.Contains("example-generator.v3.build.cache=[\"python:3.10\",\"python:3.10-slim\"]", lines);
    }

    [NeedsToolsFact("dotnet")]
    public async Task Init_creates_a_manifest_and_model_source_that_validate_and_never_overwrites()
    {
        using var dir = new TempDirectory();
        var init = await CliRunner.RunAsync(dir.Path, "init", "proj");
        Assert.Equal(0, init.ExitCode);
        var validate = await CliRunner.RunAsync(dir.Path, "validate", "proj/GENERATOR-MANIFEST.yml", "--model-src", "proj/model-src");
        Assert.Equal(0, validate.ExitCode);

        var before = File.ReadAllText(dir.Combine("proj", "GENERATOR-MANIFEST.yml"));
        var again = await CliRunner.RunAsync(dir.Path, "init", "proj");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.StdErr);
        Assert.Equal(before, File.ReadAllText(dir.Combine("proj", "GENERATOR-MANIFEST.yml")));
    }

    [NeedsToolsFact("dotnet")]
    public async Task Render_generator_prints_a_posix_script_and_rejects_unknown_builders()
    {
        using var dir = new TempDirectory();
        var kaniko = await CliRunner.RunAsync(dir.Path, "render-generator", Fixture("seed-example"));
        Assert.Equal(0, kaniko.ExitCode);
        Assert.StartsWith("#!/bin/sh", kaniko.StdOut);
        Assert.Contains("/kaniko/executor", kaniko.StdOut);

        var buildah = await CliRunner.RunAsync(dir.Path, "render-generator", Fixture("seed-example"), "--builder", "buildah");
        Assert.Equal(0, buildah.ExitCode);
        Assert.Contains("buildah", buildah.StdOut);

        var bogus = await CliRunner.RunAsync(dir.Path, "render-generator", Fixture("seed-example"), "--builder", "podman");
        Assert.Equal(2, bogus.ExitCode);
        Assert.Contains("kaniko", bogus.StdErr);
    }

    [NeedsToolsFact("dotnet")]
    public async Task A_missing_manifest_is_an_input_error_not_a_crash()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync(dir.Path, "labels");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("GENERATOR-MANIFEST.yml", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }
}
