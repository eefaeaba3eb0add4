using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>What the Model API (or a user) sees when a generator run fails inside the engine: a message that says what
/// and where, and a non-zero exit code.</summary>
[Collection(EngineCollections.BuildahFailures)]
[Tier(Tier.Engine)]
public class GeneratorFailureTests(EngineFixture fixture)
{
    private readonly GeneratorRuns _runs = new(fixture);

    private async Task<ModelWorkspace> GeneratorAsync(string name) =>
        await _runs.PushGeneratorAsync(name, "buildah", await fixture.BuildahBaseAsync());

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Missing_credentials_name_the_registry_and_fail()
    {
        using var ws = await GeneratorAsync("fail-nocreds");

        var run = await _runs.RunLikeModelApiAsync(ws, GeneratorRuns.BuildahLeastPrivilege, config: null);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("generator: error: buildah", run.StdErr);
        Assert.Contains(fixture.Registry.Host, run.StdErr);
        Assert.Matches("(?i)unauthorized|authentication required", run.StdErr);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task A_registry_that_refuses_the_credentials_fails_the_run()
    {
        using var ws = await GeneratorAsync("fail-refused");
        using var dir = new TempDirectory("mg-badcfg");
        var wrong = dir.WriteFile("config.json", EngineFixture.DockerConfig(fixture.Registry.Host, EngineFixture.User, "not-the-password"));

        var run = await _runs.RunLikeModelApiAsync(ws, GeneratorRuns.BuildahLeastPrivilege, config: wrong);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("generator: error: buildah", run.StdErr);
        Assert.Matches("(?i)unauthorized|authentication required", run.StdErr);
        Assert.DoesNotContain("not-the-password", run.StdOut + run.StdErr);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task An_unreachable_model_registry_fails_the_push()
    {
        using var ws = await GeneratorAsync("fail-unreachable");

        // MODEL_REGISTRY overridden to a port nobody listens on; the base still comes from the test registry.
        var run = await _runs.RunLikeModelApiAsync(ws, GeneratorRuns.BuildahLeastPrivilege,
            new Dictionary<string, string?> { ["MODEL_REGISTRY"] = "127.0.0.1:9" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("generator: error: buildah", run.StdErr);
        Assert.Contains("127.0.0.1:9", run.StdErr);
        Assert.Contains("connection refused", run.StdErr);
    }

    [NeedsToolsTheory("dockerd", "docker", "mmdebstrap", "docker-registry")]
    [InlineData("MODEL_NAME", "Grid.A")]
    [InlineData("MODEL_TAG", "v1.0")]
    [InlineData("PUSH_RETRY", "many")]
    public async Task A_bad_parameter_stops_before_any_build_with_exit_2(string variable, string value)
    {
        using var ws = await GeneratorAsync("fail-param-" + variable.ToLowerInvariant().Replace('_', '-'));

        var run = await _runs.RunLikeModelApiAsync(ws, GeneratorRuns.BuildahLeastPrivilege, new Dictionary<string, string?> { [variable] = value });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"generator: error: {variable}", run.StdErr);
        Assert.DoesNotContain("STEP", run.StdOut + run.StdErr); // buildah never started
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task A_missing_model_name_stops_before_any_build_with_exit_2()
    {
        using var ws = await GeneratorAsync("fail-noname");

        var run = await _runs.RunLikeModelApiAsync(ws, GeneratorRuns.BuildahLeastPrivilege, new Dictionary<string, string?> { ["MODEL_NAME"] = null });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("generator: error: MODEL_NAME", run.StdErr);
    }
}
