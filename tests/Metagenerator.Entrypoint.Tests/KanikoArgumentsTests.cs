using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Entrypoint.Tests;

[Tier(Tier.Unit)]
public class KanikoArgumentsTests
{
    private const string Created = "2026-11-25T10:00:00+00:00";

    private static string[] Pairs(string flag, params string[] values) => values.SelectMany(v => new[] { flag, v }).ToArray();

    internal static readonly string[] SeedExecutor =
    [
        "/kaniko/executor",
        "--dockerfile", "/workspace/model-src/Dockerfile_model",
        "--context", "dir:///workspace/model-src",
        "--destination", "reformers-dev.ait.ac.at:8083/example-generator/v3/grid-a:v1",
        .. Pairs("--build-arg",
            "GENERATOR_NAME=example-generator", "GENERATOR_TAG=v3", "MODEL_NAME=grid-a", "MODEL_TAG=v1",
            "GENERATOR_REGISTRY=reformers-dev.ait.ac.at:8082", "MODEL_REGISTRY=reformers-dev.ait.ac.at:8083",
            "MODEL_DOCKERFILE=Dockerfile_model",
            "CONFIG_FILE=/config/config.yml", "GRID_DATA=/grid_data/grid.json",
            "INPUT_STREAM=reformers.metering_data.DUMMY1", "OUTPUT_STREAM_BASE=reformers.grid_sim.results"),
        .. Pairs("--label",
            "example-generator.v3.grid-a.v1.CONFIG_FILE=/config/config.yml",
            "example-generator.v3.grid-a.v1.GRID_DATA=/grid_data/grid.json",
            "example-generator.v3.grid-a.v1.INPUT_STREAM=reformers.metering_data.DUMMY1",
            "example-generator.v3.grid-a.v1.OUTPUT_STREAM_BASE=reformers.grid_sim.results",
            "example-generator.v3.grid-a.v1.CREATED=" + Created),
        "--push-retry", "1",
        "--verbosity", "info",
        "--ignore-path", "/workspace/model-src",
    ];

    internal static readonly string[] ExtendedExecutor =
    [
        "/kaniko/executor",
        "--dockerfile", "/workspace/model-src/Dockerfile",
        "--context", "dir:///workspace/model-src",
        "--destination", "reformers-dev.ait.ac.at:8083/reformers-dt-wind-gen-fc/v1/wind-a:v2",
        .. Pairs("--build-arg",
            "GENERATOR_NAME=reformers-dt-wind-gen-fc", "GENERATOR_TAG=v1", "MODEL_NAME=wind-a", "MODEL_TAG=v2",
            "GENERATOR_REGISTRY=reformers-dev.ait.ac.at:8082", "MODEL_REGISTRY=reformers-dev.ait.ac.at:8083",
            "MODEL_DOCKERFILE=Dockerfile",
            "DEFAULT_CONFIG_PARK=default-configs/park_alkmaar.yaml",
            "DEFAULT_CONFIG_SIMULATION=default-configs/simulation_alkmaar.yaml",
            "PARK_NAME=Windpark Noord", "SCENARIO=BaselineAlkmaar", "REDIS_PASSWORD=r3f0rm3r5-w!nd-f0r3ca5t"),
        .. Pairs("--label",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.DEFAULT_CONFIG_PARK=default-configs/park_alkmaar.yaml",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.DEFAULT_CONFIG_SIMULATION=default-configs/simulation_alkmaar.yaml",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.PARK_NAME=Windpark Noord",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.SCENARIO=BaselineAlkmaar",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.REDIS_PASSWORD=r3f0rm3r5-w!nd-f0r3ca5t",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.CREATED=" + Created,
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.parameters.KNOWLEDGE_GRAPH_ENABLED=false",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.parameters.optional.KNOWLEDGE_GRAPH_ENDPOINT=http://localhost:7200/repositories/REFORMERS",
            "reformers-dt-wind-gen-fc.v1.wind-a.v2.info=Wind forecast, Alkmaar"),
        "--push-retry", "3",
        "--verbosity", "debug",
        "--ignore-path", "/workspace/model-src",
        "--skip-tls-verify", "--cache=true", "--cache-dir", "/kaniko-cache",
    ];

    internal static Dictionary<string, string> SeedEnv() => new(StringComparer.Ordinal)
    {
        ["MODEL_NAME"] = "grid-a",
        ["MODEL_TAG"] = "v1",
        ["CREATED"] = Created,
    };

    internal static Dictionary<string, string> ExtendedEnv() => new(StringComparer.Ordinal)
    {
        ["MODEL_NAME"] = "wind-a",
        ["MODEL_TAG"] = "v2",
        ["CREATED"] = Created,
        ["PARK_NAME"] = "Windpark Noord",
        ["MODEL_INFO"] = "Wind forecast, Alkmaar",
        ["PUSH_RETRY"] = "3",
        ["VERBOSITY"] = "debug",
        ["EXTRA_FLAGS"] = "--skip-tls-verify --cache=true\t--cache-dir /kaniko-cache",
    };

    private static IReadOnlyList<IReadOnlyList<string>> Kaniko(Manifest.GeneratorManifest m, Dictionary<string, string> env, TestHost? host = null) =>
        Oracle.Calls(m, BuilderKind.Kaniko, env, host ?? TestHost.Imagined());

    private static IReadOnlyList<string>? Warmer(IReadOnlyList<IReadOnlyList<string>> calls) =>
        calls.SingleOrDefault(c => c[0] == "/kaniko/warmer");

    [Fact]
    public void Seed_executor_arguments_are_the_originals()
    {
        Assert.Equal(SeedExecutor, Assert.Single(Kaniko(TestManifests.Seed(), SeedEnv())));
    }

    [Fact]
    public void Extended_executor_has_runtime_labels_info_overrides_and_extra_flags_last()
    {
        Assert.Equal(ExtendedExecutor, Kaniko(TestManifests.Extended(), ExtendedEnv())[^1]);
    }

    [Fact]
    public void Cache_true_warms_build_cache_into_a_mounted_cache_dir_first_skipping_tls_for_the_cache_registries()
    {
        var calls = Kaniko(TestManifests.Extended(), ExtendedEnv(), TestHost.Imagined() with { MountPoint = p => p == "/kaniko-cache" });
        Assert.Equal(2, calls.Count);
        Assert.Equal(
            ["/kaniko/warmer", "--cache-dir=/kaniko-cache", "--image=python:3.12-slim", "--verbosity=debug", "--skip-tls-verify-registry=index.docker.io"],
            calls[0]);
        Assert.Equal("/kaniko/executor", calls[1][0]);
    }

    [Fact]
    public void Warmer_defaults_to_the_executors_default_cache_dir()
    {
        var env = SeedEnv();
        env["EXTRA_FLAGS"] = "--cache";
        env["KANIKO_WARM_CACHE"] = "true";
        Assert.Equal(
            ["/kaniko/warmer", "--cache-dir=/cache", "--image=python:3.10", "--image=python:3.10-slim", "--verbosity=info"],
            Warmer(Kaniko(TestManifests.Seed(), env)));
    }

    [Theory]
    [InlineData("--cache=false")]
    [InlineData("--cache=true --cache=false")]
    [InlineData("--cache-repo=x")]
    [InlineData("")]
    public void No_warmer_unless_the_cache_is_on(string extra)
    {
        var env = SeedEnv();
        env["EXTRA_FLAGS"] = extra;
        env["KANIKO_WARM_CACHE"] = "true";
        Assert.Null(Warmer(Kaniko(TestManifests.Seed(), env, TestHost.Imagined() with { MountPoint = _ => true })));
    }

    [Fact]
    public void No_warmer_without_build_cache_even_with_cache_true()
    {
        var env = SeedEnv();
        env["EXTRA_FLAGS"] = "--cache=true";
        env["KANIKO_WARM_CACHE"] = "true";
        Assert.Single(Kaniko(TestManifests.Seed() with { BuildCache = [] }, env));
    }

    [Fact]
    public void Empty_model_registry_means_no_registry_prefix()
    {
        var env = SeedEnv();
        env["MODEL_REGISTRY"] = "";
        var args = Assert.Single(Kaniko(TestManifests.Seed(), env));
        Assert.Equal("example-generator/v3/grid-a:v1", args[args.ToList().IndexOf("--destination") + 1]);
        Assert.Contains("MODEL_REGISTRY=", args);
    }
}
