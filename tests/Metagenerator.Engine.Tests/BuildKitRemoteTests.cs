using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// BuildKit generators against a remote buildkitd (the real one, in a container of the stand-in, on 127.0.0.1), under the
/// Model API's unprivileged run: the daemon chosen in the manifest's <c>config</c> (plain tcp), and a <c>docker run -e</c>
/// choosing another one (mTLS) over the manifest's. The extended real-world manifest of ../shared/fixtures.
/// </summary>
[Collection(EngineCollections.BuildKit)]
[Tier(Tier.Engine)]
public class BuildKitRemoteTests(EngineFixture fixture)
{
    private readonly GeneratorRuns _runs = new(fixture);
    private readonly BuildKitGenerators _generators = new(fixture);

    private static readonly string[] Parameters = ["DEFAULT_CONFIG_PARK", "DEFAULT_CONFIG_SIMULATION", "PARK_NAME", "SCENARIO", "REDIS_PASSWORD"];

    [NeedsRealBuildersFact]
    public async Task The_manifests_BUILDKIT_HOST_serves_the_Model_API_run_and_docker_run_e_wins_over_it()
    {
        var tcp = await fixture.BuildKitDaemonAsync(mtls: false);
        var mtls = await fixture.BuildKitDaemonAsync(mtls: true);
        using var ws = await _generators.PushFixtureAsync("realworld-extended", "reformers-dt-wind-gen-fc", "v1", "Dockerfile", Parameters,
            new Dictionary<string, string> { ["BUILDKIT_HOST"] = tcp.Address });

        // The Model API's run as it is: no BUILDKIT_HOST (the base image's Env names its own socket), no privileges.
        var manifestChosen = await _runs.RunLikeModelApiAsync(ws, [], new Dictionary<string, string?> { ["MODEL_NAME"] = "park-a", ["SCENARIO"] = "Storm" });
        Assert.True(manifestChosen.ExitCode == 0, manifestChosen.StdOut + manifestChosen.StdErr);
        Assert.DoesNotContain("daemonless", manifestChosen.StdOut + manifestChosen.StdErr);
        await AssertParkImageAsync(ws, "park-a", "Storm");

        // -e BUILDKIT_HOST (and the client certificates) over the manifest's: only the mTLS daemon accepts this client,
        // the plain one would fail its TLS handshake.
        var overridden = await _runs.RunLikeModelApiAsync(ws, mtls.MountOptions(), new Dictionary<string, string?>(mtls.Settings()) { ["MODEL_NAME"] = "park-b" });
        Assert.True(overridden.ExitCode == 0, overridden.StdOut + overridden.StdErr);
        await AssertParkImageAsync(ws, "park-b", "BaselineAlkmaar");
    }

    private async Task AssertParkImageAsync(ModelWorkspace ws, string model, string scenario)
    {
        var destination = $"{ws.Registry}/reformers-dt-wind-gen-fc/v1/{model}:v1";
        var prefix = $"reformers-dt-wind-gen-fc.v1.{model}.v1.";
        var labels = await RegistryInspection.LabelsAsync(destination);
        var expected = new Dictionary<string, string>
        {
            [prefix + "DEFAULT_CONFIG_PARK"] = "default-configs/park_alkmaar.yaml",
            [prefix + "DEFAULT_CONFIG_SIMULATION"] = "default-configs/simulation_alkmaar.yaml",
            [prefix + "PARK_NAME"] = "WindparkAlkmaar",
            [prefix + "SCENARIO"] = scenario,
            [prefix + "REDIS_PASSWORD"] = "r3f0rm3r5-w!nd-f0r3ca5t",
            [prefix + "CREATED"] = GeneratorRuns.Created,
            [prefix + "parameters.KNOWLEDGE_GRAPH_ENABLED"] = "false",
            [prefix + "parameters.optional.KNOWLEDGE_GRAPH_ENDPOINT"] = "http://localhost:7200/repositories/REFORMERS",
            [prefix + "info"] = GeneratorRuns.ModelInfo,
        };
        Assert.Equal(expected.OrderBy(p => p.Key), labels.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? "")).OrderBy(p => p.Key));
        var (args, hasWorkspace) = await _generators.ModelContentAsync(destination);
        Assert.Equal($"default-configs/park_alkmaar.yaml\ndefault-configs/simulation_alkmaar.yaml\nWindparkAlkmaar\n{scenario}\nr3f0rm3r5-w!nd-f0r3ca5t\n", args);
        Assert.False(hasWorkspace, "no generator file may reach the model image");
    }
}
