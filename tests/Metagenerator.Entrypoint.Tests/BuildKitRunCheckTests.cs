using Metagenerator.Entrypoint.Builders;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>
/// What the generator checks before any build because an image that runs as uid 1000 (BuildKit's rootless one) would
/// otherwise fail late (issue 17, defects 4 and 5), in the C# evaluation of the script; the engine tests
/// (BuildKitDaemonlessTests) run the same checks for real.
/// </summary>
[Tier(Tier.Unit)]
public class BuildKitRunCheckTests
{
    private static readonly Dictionary<string, string> Inputs = new()
    {
        ["MODEL_NAME"] = "grid-a", ["MODEL_TAG"] = "v1", ["DOCKER_CONFIG"] = "/workspace", ["BUILDKIT_HOST"] = "unix:///run/user/1000/buildkit/buildkitd.sock",
    };

    private static TestHost Uid1000 => TestHost.Imagined() with { RegularFile = _ => true, UserIdText = "1000" };

    [Theory]
    [InlineData(BuilderKind.BuildKit)]
    [InlineData(BuilderKind.Kaniko)]
    [InlineData(BuilderKind.Buildah)]
    public void An_unreadable_config_json_stops_the_run_naming_the_file_the_uid_and_the_fix(BuilderKind builder)
    {
        var host = Uid1000 with { Readable = p => p != "/workspace/config.json" };

        var error = Assert.Throws<GeneratorInputException>(() => Oracle.Run(TestManifests.Seed(), builder, Inputs, host));

        Assert.Equal("DOCKER_CONFIG", error.Variable);
        Assert.StartsWith("DOCKER_CONFIG: /workspace/config.json exists but this generator runs as uid 1000, which cannot read it", error.Message);
        Assert.Contains("owned by uid 1000", error.Message);
        Assert.Contains("mode 0644", error.Message);
    }

    [Fact]
    public void A_readable_or_absent_config_json_passes()
    {
        Assert.Single(Oracle.Calls(TestManifests.Seed(), BuilderKind.BuildKit, Inputs, Uid1000));
        Assert.Single(Oracle.Calls(TestManifests.Seed(), BuilderKind.BuildKit, Inputs,
            Uid1000 with { RegularFile = p => !p.EndsWith("/config.json", StringComparison.Ordinal), Readable = _ => false }));
    }

    [Fact]
    public void Daemonless_BuildKit_where_rootlesskit_cannot_start_says_what_the_run_needs()
    {
        var error = Assert.Throws<GeneratorInputException>(() =>
            Oracle.Run(TestManifests.Seed(), BuilderKind.BuildKit, Inputs, Uid1000 with { RootlessKitStarts = false }));

        Assert.Equal("BUILDKIT_HOST", error.Variable);
        Assert.Contains("rootlesskit (as uid 1000) cannot create its user namespace", error.Message);
        Assert.Contains("'docker run " + BuildKitDefinition.DaemonlessRunOptions + " ...'", error.Message);
        Assert.Contains("set BUILDKIT_HOST to a running BuildKit daemon", error.Message);
    }

    [Fact]
    public void A_remote_BuildKit_does_not_need_rootlesskit()
    {
        var calls = Oracle.Calls(TestManifests.Seed(), BuilderKind.BuildKit,
            new Dictionary<string, string>(Inputs) { ["BUILDKIT_HOST"] = "tcp://buildkitd:1234" }, Uid1000 with { RootlessKitStarts = false });
        Assert.Equal("buildctl", Assert.Single(calls)[0]);
    }

    [Fact]
    public void A_registry_certificate_means_https_in_buildkitd_toml_even_for_a_loopback_registry()
    {
        var env = new Dictionary<string, string>(Inputs)
        {
            ["EXTRA_FLAGS"] = "--registry-certificate 127.0.0.1:5000=/certs/ca.pem --insecure-registry localhost:5001 --registry-certificate localhost:5001=/certs/ca.pem",
        };

        var outcome = Oracle.Run(TestManifests.Seed(), BuilderKind.BuildKit, env, Uid1000);

        // BuildKit takes localhost and 127.x for plain HTTP unless the table says http = false; --insecure-registry keeps http.
        Assert.Equal(
            "[registry.\"localhost:5001\"]\n  http = true\n  insecure = true\n  ca = [\"/certs/ca.pem\"]\n" +
            "[registry.\"127.0.0.1:5000\"]\n  ca = [\"/certs/ca.pem\"]\n  http = false\n",
            Assert.Single(outcome.Files).Value);
    }
}
