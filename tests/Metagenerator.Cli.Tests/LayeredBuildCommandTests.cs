using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>`metagenerator build` as a process: the per-layer lines, --large-file-threshold, and its bad values.</summary>
[Tier(Tier.Registry)]
public sealed class LayeredBuildCommandTests(PlainRegistryWithBase shared) : IClassFixture<PlainRegistryWithBase>
{
    // Shared by the class: one test pushes (layered-gen), the others build with --no-push.
    private readonly LocalRegistry _registry = shared.Registry;

    private TempDirectory Workspace()
    {
        var dir = new TempDirectory("mg-layered-cli");
        dir.WriteFile("GENERATOR-MANIFEST.yml", $"""
            layered-gen:
              version: v1
              config:
                GENERATOR_REGISTRY: {_registry.Host}
                MODEL_REGISTRY: {_registry.Host}
                MODEL_DOCKERFILE: Dockerfile
            """);
        dir.WriteFile("model-src/Dockerfile", "FROM scratch\n");
        dir.WriteFile("model-src/model.py", "print(1)\n");
        dir.WriteFile("model-src/weights/w.bin", new string('w', 3000));
        return dir;
    }

    private Task<ToolResult> BuildAsync(TempDirectory ws, params string[] extra) => CliRunner.RunAsync(ws.Path,
        ["build", "--generator-base", $"{_registry.Host}/base:1", "--insecure-registry", _registry.Host, .. extra]);

    [NeedsToolsFact("docker-registry", "skopeo", "dotnet")]
    public async Task Build_prints_each_layer_with_its_contents_and_a_rebuild_says_reused()
    {
        using var ws = Workspace();
        var first = await BuildAsync(ws, "--large-file-threshold", "2K", "--verbosity", "debug");
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Matches(@"layer 1/3: model source: large files, group \d of 8: 1 file, 2\.9 KiB; sha256:[0-9a-f]{12} built \(.+ compressed\), uploaded", first.StdErr);
        Assert.Contains("    /workspace/model-src/weights/w.bin\n", first.StdErr);
        Assert.Matches(@"layer 2/3: model source: small files, directories and symlinks: 2 files, .*uploaded", first.StdErr);
        Assert.Matches(@"layer 3/3: GENERATOR-MANIFEST.yml and generator.sh: 2 files, .*uploaded", first.StdErr);

        var second = await BuildAsync(ws, "--large-file-threshold", "2048");
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Equal(3, second.StdErr.Split('\n').Count(l => l.StartsWith("layer ") && l.EndsWith("reused: unchanged in the destination, not compressed or uploaded")));
        Assert.DoesNotContain("    /workspace", second.StdErr); // file lists only at debug
        Assert.Contains("pushed: 0 blob(s) uploaded", second.StdErr);

        // The default threshold (1 MiB) keeps the 3 KB file with the code: two layers.
        var defaults = await BuildAsync(ws, "--no-push", "--oci-layout", "out");
        Assert.True(defaults.ExitCode == 0, defaults.StdErr);
        Assert.Contains("layer 2/2: GENERATOR-MANIFEST.yml and generator.sh", defaults.StdErr);
    }

    [NeedsToolsTheory("docker-registry", "skopeo", "dotnet")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1T")]
    [InlineData("big")]
    [InlineData("99999999999999G")]
    public async Task A_bad_threshold_is_exit_2_naming_the_flag(string value)
    {
        using var ws = Workspace();
        var result = await BuildAsync(ws, "--no-push", "--large-file-threshold", value);
        Assert.True(result.ExitCode == 2, $"{value} → {result.ExitCode}: {result.StdErr}");
        Assert.Contains("--large-file-threshold", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }
}
