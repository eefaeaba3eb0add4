using System.Text.Json.Nodes;
using Metagenerator.Manifest;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// The generator image's Env carries the manifest's value for every config key and build parameter the base image's Env
/// sets (issue 17, defect 3): a builder setting chosen in the manifest (BUILDKIT_HOST on moby/buildkit) is not lost to the
/// base's default, and a <c>docker run -e</c> still wins over both, by Docker's own precedence.
/// </summary>
[Tier(Tier.Unit)]
public sealed class ManifestOverBaseEnvTests
{
    /// <summary>moby/buildkit:v0.18.2-rootless's Env, as its Dockerfile sets it.</summary>
    private static JsonObject BuildKitRootlessConfig() => new()
    {
        ["config"] = new JsonObject
        {
            ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/home/user", "USER=user",
                "XDG_RUNTIME_DIR=/run/user/1000", "TMPDIR=/home/user/.local/tmp", "BUILDKIT_HOST=unix:///run/user/1000/buildkit/buildkitd.sock",
                "PIP_INDEX_URL=https://pypi.org/simple", "DOCKER_CONFIG=/workspace"),
        },
    };

    private static GeneratorManifest Manifest(string config, string parameters = "")
    {
        using var dir = new TempDirectory("mg-envtest");
        return ManifestLoader.Load(dir.WriteFile("GENERATOR-MANIFEST.yml", $"""
            gen:
              version: v1
              config:
                GENERATOR_REGISTRY: reg.example:5000
                MODEL_REGISTRY: reg.example:5000
                MODEL_DOCKERFILE: Dockerfile
            {config}
              parameters:
                GRID_DATA:
                  info: grid data
                  default: /grid.json
            {parameters}
              build:
                builder: buildkit
            """));
    }

    private static List<string> Env(JsonObject config) =>
        config["config"]!["Env"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();

    [Fact]
    public void A_builder_setting_in_the_manifest_replaces_the_base_images_default()
    {
        var config = BuildKitRootlessConfig();
        var manifest = Manifest("    BUILDKIT_HOST: tcp://buildkitd:1234\n    BUILDKIT_TLS_SERVER_NAME: buildkitd");

        GeneratorImageAssembler.ApplyManifestOverBaseEnv(config, manifest);

        var env = Env(config);
        Assert.Contains("BUILDKIT_HOST=tcp://buildkitd:1234", env);
        Assert.DoesNotContain(env, e => e.StartsWith("BUILDKIT_HOST=unix:", StringComparison.Ordinal));
        Assert.Contains("DOCKER_CONFIG=/workspace", env);
        // Keys the base does not set stay out: the script's defaults serve them, and the Env lists no registry or parameter.
        Assert.DoesNotContain(env, e => e.StartsWith("MODEL_REGISTRY=", StringComparison.Ordinal) || e.StartsWith("GRID_DATA=", StringComparison.Ordinal)
            || e.StartsWith("BUILDKIT_TLS_SERVER_NAME=", StringComparison.Ordinal));
        Assert.Equal(8, env.Count);
    }

    [Fact]
    public void A_build_parameter_named_like_a_base_variable_gets_the_manifests_default()
    {
        var config = BuildKitRootlessConfig();
        var manifest = Manifest("", "    PIP_INDEX_URL:\n      info: package index\n      default: https://pypi.internal.example/simple");

        GeneratorImageAssembler.ApplyManifestOverBaseEnv(config, manifest);

        Assert.Contains("PIP_INDEX_URL=https://pypi.internal.example/simple", Env(config));
        Assert.Contains("BUILDKIT_HOST=unix:///run/user/1000/buildkit/buildkitd.sock", Env(config));
    }

    [Fact]
    public void A_base_without_Env_gets_none()
    {
        var config = new JsonObject { ["config"] = new JsonObject() };
        GeneratorImageAssembler.ApplyManifestOverBaseEnv(config, Manifest("    BUILDKIT_HOST: tcp://buildkitd:1234"));
        Assert.Null(config["config"]!["Env"]);
    }
}
