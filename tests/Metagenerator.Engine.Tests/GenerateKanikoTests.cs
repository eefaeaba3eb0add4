using System.Text.Json.Nodes;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary><c>generate</c> with kaniko, the default builder (the real executor in the kaniko stand-in): the Model API's
/// unprivileged run is enough; only the host network is added, to reach the test registry on 127.0.0.1.</summary>
[Collection(EngineCollections.Generate)]
[Tier(Tier.Engine)]
public class GenerateKanikoTests(EngineFixture fixture)
{
    [NeedsRealBuildersFact]
    public async Task A_kaniko_generator_run_as_the_Model_API_runs_it_reports_finished()
    {
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-kaniko", "kaniko", await fixture.KanikoBaseAsync());
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var generate = await fixture.GenerateAsync([ws.GeneratorImage, "--model-name", "grid-a", "--model-tag", "v1", "--config", fixture.ConfigJson,
            "--network", "host", "--skip-tls-verify", "--param", "KNOWLEDGE_GRAPH_ENABLED=true", "--format", "json"]);

        Assert.True(generate.ExitCode == 0, generate.StdOut + generate.StdErr);
        Assert.Contains("generator: running kaniko executor", generate.StdErr);
        Assert.Contains("generate: added, which the Model API would not add: --network host\n", generate.StdErr);
        var report = JsonNode.Parse(generate.StdOut)!;
        Assert.Equal("finished", (string?)report["status"]!["modelApi"]);
        Assert.Equal((string?)report["request"]!["created"], (string?)report["model"]!["created"]);
        var labels = await RegistryInspection.LabelsAsync($"{ws.Registry}/gen-kaniko/v1/grid-a:v1");
        Assert.Contains(labels, l => l.Key == "gen-kaniko.v1.grid-a.v1.CREATED" && l.Value == (string?)report["request"]!["created"]);
        Assert.DoesNotContain(EngineFixture.Password, generate.StdOut + generate.StdErr);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
    }
}
