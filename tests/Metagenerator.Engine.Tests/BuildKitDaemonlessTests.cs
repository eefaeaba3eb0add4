using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// Daemonless BuildKit (buildctl-daemonless.sh starting rootlesskit buildkitd as uid 1000 in the generator container)
/// with the seed example of ../shared/fixtures: with the README's flags it builds and pushes, trusting the registry
/// through <c>--registry-certificate</c>; without them, and with an unreadable credentials file, it stops before any
/// build and says what the run needs.
/// </summary>
[Collection(EngineCollections.BuildKit)]
[Tier(Tier.Engine)]
public class BuildKitDaemonlessTests(EngineFixture fixture)
{
    private readonly GeneratorRuns _runs = new(fixture);
    private readonly BuildKitGenerators _generators = new(fixture);

    private static readonly string[] Parameters = ["CONFIG_FILE", "GRID_DATA", "INPUT_STREAM", "OUTPUT_STREAM_BASE"];

    private Task<ModelWorkspace> SeedGeneratorAsync() =>
        _generators.PushFixtureAsync("seed-example", "example-generator", "v3", "Dockerfile_model", Parameters);

    [NeedsRealBuildersFact]
    public async Task With_the_READMEs_flags_the_seed_example_builds_trusting_a_loopback_registry_by_its_certificate()
    {
        using var ws = await SeedGeneratorAsync();
        using var dir = new TempDirectory("mg-bk-ca");
        var ca = dir.Combine("ca.pem");
        File.Copy(fixture.CaBundle, ca);
        File.SetUnixFileMode(ca, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        // No --skip-tls-verify: the base pull and the push verify the registry (127.0.0.1:PORT) against its CA.
        var run = await _runs.RunLikeModelApiAsync(ws, [.. EngineFixture.BuildKitRootlessOptions, "-v", $"{ca}:/registry-ca.pem:ro"],
            new Dictionary<string, string?> { ["EXTRA_FLAGS"] = $"--registry-certificate {fixture.Registry.Host}=/registry-ca.pem --cache=true" });

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("building daemonless", run.StdErr);
        var destination = $"{ws.Registry}/example-generator/v3/grid-a:v1";
        Assert.Contains($"generator: pushed {destination}", run.StdOut);
        var prefix = "example-generator.v3.grid-a.v1.";
        var labels = await RegistryInspection.LabelsAsync(destination);
        var expected = new Dictionary<string, string>
        {
            [prefix + "CONFIG_FILE"] = "/config/config.yml",
            [prefix + "GRID_DATA"] = "/grid_data/other.json",
            [prefix + "INPUT_STREAM"] = "reformers.metering_data.DUMMY1",
            [prefix + "OUTPUT_STREAM_BASE"] = "reformers.grid_sim.results",
            [prefix + "CREATED"] = GeneratorRuns.Created,
            [prefix + "info"] = GeneratorRuns.ModelInfo,
        };
        Assert.Equal(expected.OrderBy(p => p.Key), labels.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? "")).OrderBy(p => p.Key));
        var (args, hasWorkspace) = await _generators.ModelContentAsync(destination);
        Assert.Equal("/config/config.yml\n/grid_data/other.json\nreformers.metering_data.DUMMY1\nreformers.grid_sim.results\n", args);
        Assert.False(hasWorkspace, "no generator file may reach the model image");
    }

    [NeedsRealBuildersFact]
    public async Task Without_the_flags_it_stops_before_any_build_naming_them_and_the_remote_alternative()
    {
        using var ws = await SeedGeneratorAsync();

        // The Model API's plain run: the default seccomp profile refuses rootlesskit's user namespace.
        var plain = await _runs.RunLikeModelApiAsync(ws, []);
        Assert.True(plain.ExitCode == 2, plain.StdOut + plain.StdErr);
        Assert.Contains("generator: error:", plain.StdErr);
        Assert.Contains("--security-opt seccomp=unconfined --security-opt apparmor=unconfined", plain.StdErr);
        Assert.Contains("BUILDKIT_HOST", plain.StdErr);
        Assert.DoesNotContain("could not connect", plain.StdErr);
    }

    [NeedsRealBuildersFact]
    public async Task A_root_owned_0600_config_json_stops_before_any_build_naming_the_file_and_the_uid()
    {
        using var ws = await SeedGeneratorAsync();

        // A root-owned 0600 config.json (what `docker login` leaves as root): uid 1000 cannot read it.
        using var dir = new TempDirectory("mg-bk-cfg");
        var config = dir.WriteFile("config.json", File.ReadAllText(fixture.ConfigJson));
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var unreadable = await _runs.RunLikeModelApiAsync(ws, EngineFixture.BuildKitRootlessOptions, config: config);
        Assert.True(unreadable.ExitCode == 2, unreadable.StdOut + unreadable.StdErr);
        Assert.Contains("generator: error: ", unreadable.StdErr);
        Assert.Contains("/workspace/config.json", unreadable.StdErr);
        Assert.Contains("uid 1000", unreadable.StdErr);
        Assert.Contains("0644", unreadable.StdErr);
        Assert.DoesNotContain("buildctl", unreadable.StdOut + unreadable.StdErr.Replace("BUILDKIT", ""));
    }
}
