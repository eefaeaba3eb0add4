using System.Text.Json.Nodes;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// <c>metagenerator generate</c> against the real engine: the run the Model API does (docs/contracts.md §7), compared with a
/// hand-written <c>docker run</c>; its refusals before any container; and its errors.
/// </summary>
[Collection(EngineCollections.Generate)]
[Tier(Tier.Engine)]
public class GenerateTests(EngineFixture fixture)
{
    private readonly GeneratorRuns _runs = new(fixture);

    /// <summary>What a buildah generator needs here and the Model API would not add: the host network (the registry is on
    /// 127.0.0.1) and the seccomp relaxation; --skip-tls-verify as the Model API's EXTRA_FLAGS in these tests.</summary>
    private static readonly string[] BuildahRun = ["--network", "host", .. GeneratorRuns.BuildahLeastPrivilege, "--skip-tls-verify"];

    private Task<ToolResult> GenerateAsync(ModelWorkspace ws, string tag, params string[] args) =>
        fixture.GenerateAsync([ws.GeneratorImage, "--model-name", "grid-a", "--model-tag", tag, "--config", fixture.ConfigJson, .. args]);

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Generate_and_a_hand_written_docker_run_give_the_same_model_image_labels_and_it_reports_finished()
    {
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-buildah", "buildah", await fixture.BuildahBaseAsync());
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var generate = await GenerateAsync(ws, "v1", [.. BuildahRun, "--param", "KNOWLEDGE_GRAPH_ENABLED=true", "--format", "json"]);

        Assert.True(generate.ExitCode == 0, generate.StdOut + generate.StdErr);
        var report = JsonNode.Parse(generate.StdOut)!;
        var created = (string)report["request"]!["created"]!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$", created);
        Assert.Equal("finished", (string?)report["status"]!["modelApi"]);
        var destination = $"{ws.Registry}/gen-buildah/v1/grid-a:v1";
        Assert.Equal(destination, (string?)report["modelImage"]);
        Assert.Equal(created, (string?)report["model"]!["created"]);
        // GRID_DATA is a generation parameter, which the Model API cannot send: the manifest's default is built.
        Assert.Equal("/grid_data/default.json", (string?)report["model"]!["generationParameters"]!["GRID_DATA"]);
        Assert.StartsWith("sha256:", (string?)report["model"]!["digest"]);
        // The generator's own output streamed (to stderr with --format json), and no secret of config.json anywhere.
        Assert.Contains($"generator: pushed {destination}", generate.StdErr);
        AssertNoSecret(generate);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
        var byGenerate = await RegistryInspection.LabelsAsync(destination);

        // The same request written by hand after docs/contracts.md §7, with the same CREATED: the same labels, byte for byte.
        var byHand = await _runs.RunLikeModelApiAsync(ws, GeneratorRuns.BuildahLeastPrivilege, new Dictionary<string, string?>
        {
            ["CREATED"] = created, ["KNOWLEDGE_GRAPH_ENABLED"] = "true", ["GRID_DATA"] = null, ["MODEL_INFO"] = null,
        });
        Assert.True(byHand.ExitCode == 0, byHand.StdOut + byHand.StdErr);
        var handLabels = await RegistryInspection.LabelsAsync(destination);
        Assert.Equal(handLabels.OrderBy(l => l.Key), byGenerate.OrderBy(l => l.Key));
        Assert.Contains(byGenerate, l => l.Key == "gen-buildah.v1.grid-a.v1.CREATED" && l.Value == created);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Text_report_shows_the_model_image_as_inspect_models_does()
    {
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-text", "buildah", await fixture.BuildahBaseAsync());
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var generate = await GenerateAsync(ws, "v2", [.. BuildahRun, "--param", "MODEL_DOCKERFILE=Dockerfile_model"]);

        Assert.True(generate.ExitCode == 0, generate.StdOut + generate.StdErr);
        Assert.Contains("generator: pushed", generate.StdOut); // the generator's stdout streamed to ours
        Assert.Contains($"model image {ws.Registry}/gen-text/v1/grid-a:v2", generate.StdOut);
        Assert.Matches(@"status      finished: CREATED \S+\+00:00 equals the request's", generate.StdOut);
        Assert.Matches($@"  v2  {ws.Registry}/gen-text/v1/grid-a:v2@sha256:[0-9a-f]{{64}}", generate.StdOut);
        Assert.Contains("    build parameters", generate.StdOut);
        Assert.Matches(@"\n      GRID_DATA +/grid_data/default.json\n", generate.StdOut);
        Assert.Contains("generate: added, which the Model API would not add: --network host, --security-opt seccomp=unconfined", generate.StdErr);
        AssertNoSecret(generate);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
    }

    [NeedsToolsTheory("dockerd", "docker", "mmdebstrap", "docker-registry")]
    [InlineData("Grid_A", "v1", "model name 'Grid_A' does not match the Model API's route pattern ^[a-z0-9][a-z0-9-]+$ (HTTP 400)")]
    [InlineData("grid-a", "v1.0", "model tag 'v1.0' does not match the Model API's route pattern ^[a-z0-9][a-z0-9-]+$ (HTTP 400); a dot would also split its labels")]
    [InlineData("grid-a", "v1", "parameter 'GRID_DATA' is not under the generator's gen-refused.v1.config or gen-refused.v1.parameters labels", "--param", "GRID_DATA=/x.json")]
    [InlineData("grid-a", "v1", "parameter 'NOT_A_PARAMETER' is not under", "--param", "NOT_A_PARAMETER=1")]
    public async Task What_the_Model_API_refuses_is_refused_before_any_container_starts(string model, string tag, string reason, params string[] args)
    {
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-refused", "buildah", await fixture.BuildahBaseAsync());
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var generate = await fixture.GenerateAsync([ws.GeneratorImage, "--model-name", model, "--model-tag", tag, "--config", fixture.ConfigJson, .. BuildahRun, .. args]);

        Assert.Equal(2, generate.ExitCode);
        Assert.Contains("error: the Model API would refuse this request, so no container was started:", generate.StdErr);
        Assert.Contains(reason, generate.StdErr);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
        Assert.DoesNotContain("pulling", generate.StdErr);
        Assert.False(await fixture.HasImageAsync(ws.GeneratorImage), "the refused request pulled the generator image");
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task A_failing_generator_is_reported_as_failed_with_its_output()
    {
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-fails", "buildah", await fixture.BuildahBaseAsync());
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var generate = await GenerateAsync(ws, "v1", [.. BuildahRun, "--param", "MODEL_DOCKERFILE=Dockerfile_missing"]);

        Assert.True(generate.ExitCode == 5, generate.StdOut + generate.StdErr);
        Assert.Contains("Dockerfile_missing", generate.StdOut + generate.StdErr); // the generator's own words
        Assert.Matches(@"generator   \S+ \(exited \d+: the generator failed\)", generate.StdOut);
        Assert.Contains("status      failed: the generator container exited with status", generate.StdOut);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task A_generator_past_the_timeout_is_stopped_and_removed()
    {
        // The model's build sleeps far past the timeout: the test does not depend on how fast buildah is.
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-slow", "buildah", await fixture.BuildahBaseAsync(),
            ws => File.AppendAllText(ws.Combine("model-src", "Dockerfile_model"), "\nRUN sleep 600\n"));
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var generate = await GenerateAsync(ws, "v1", [.. BuildahRun, "--timeout", "2s"]);

        Assert.True(generate.ExitCode == 124, generate.StdOut + generate.StdErr);
        Assert.Contains("stopped: it ran past --timeout", generate.StdOut);
        Assert.Contains("status      running: the generator ran past --timeout", generate.StdOut);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task A_missing_generator_image_wrong_credentials_and_no_engine_are_clear_errors()
    {
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-errors", "buildah", await fixture.BuildahBaseAsync());
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var missing = await fixture.GenerateAsync([$"{ws.Registry}/no-such-generator:v1", "--model-name", "grid-a", "--model-tag", "v1", "--config", fixture.ConfigJson, "--skip-tls-verify"]);
        Assert.True(missing.ExitCode == 3, missing.StdErr);
        Assert.Contains($"{ws.Registry}/no-such-generator:v1: no such image", missing.StdErr);

        var wrongConfig = ws.Combine("wrong-config.json");
        await File.WriteAllTextAsync(wrongConfig, EngineFixture.DockerConfig(ws.Registry, EngineFixture.User, "not-the-password"));
        var wrong = await fixture.GenerateAsync([ws.GeneratorImage, "--model-name", "grid-a", "--model-tag", "v1", "--config", wrongConfig, "--skip-tls-verify"]);
        Assert.True(wrong.ExitCode == 3, wrong.StdErr);
        Assert.Contains(ws.Registry, wrong.StdErr);
        Assert.DoesNotContain("not-the-password", wrong.StdOut + wrong.StdErr);
        Assert.DoesNotContain(Convert.ToBase64String("modeller:not-the-password"u8.ToArray()), wrong.StdOut + wrong.StdErr);

        var noEngine = await fixture.GenerateAsync([ws.GeneratorImage, "--model-name", "grid-a", "--model-tag", "v1", "--config", fixture.ConfigJson],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = $"unix://{ws.Combine("no-engine.sock")}" });
        Assert.True(noEngine.ExitCode == 7, noEngine.StdErr);
        Assert.Contains($"no Docker engine at unix://{ws.Combine("no-engine.sock")}: there is no socket", noEngine.StdErr);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
    }

    private static void AssertNoSecret(ToolResult result)
    {
        var output = result.StdOut + result.StdErr;
        Assert.DoesNotContain(EngineFixture.Password, output);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{EngineFixture.User}:{EngineFixture.Password}")), output);
    }
}
