using System.Text;
using Metagenerator.Manifest;

namespace Metagenerator.Generator.Tests;

/// <summary>GeneratorManifest records mirroring the two real manifests (seed example and real-world extended), built directly.</summary>
internal static class TestManifests
{
    private static int _line;

    private static ManifestValue Val(string text) => new(text, ++_line, 5);

    private static KeyValuePair<string, ManifestValue> Cfg(string key, string value) => new(key, Val(value));

    private static ManifestParameter Param(string name, string info, string value) => new(name, info, Val(value));

    /// <summary>The seed example (example-generator v3).</summary>
    public static GeneratorManifest Seed() => new()
    {
        Name = "example-generator",
        Version = "v3",
        Schema = ManifestSchema.Seed,
        Config =
        [
            Cfg("GENERATOR_REGISTRY", "reformers-dev.ait.ac.at:8082"),
            Cfg("MODEL_REGISTRY", "reformers-dev.ait.ac.at:8083"),
            Cfg("MODEL_DOCKERFILE", "Dockerfile_model"),
        ],
        BuildParameters =
        [
            Param("CONFIG_FILE", "path to config file with default values", "/config/config.yml"),
            Param("GRID_DATA", "path to grid data", "/grid_data/grid.json"),
            Param("INPUT_STREAM", "declare name of input stream", "reformers.metering_data.DUMMY1"),
            Param("OUTPUT_STREAM_BASE", "declare name of output stream", "reformers.grid_sim.results"),
        ],
        RuntimeParameters = [],
        OptionalParameters = [],
        BuildCache = ["python:3.10", "python:3.10-slim"],
        Labels = [],
        SourceBytes = Encoding.UTF8.GetBytes("example-generator:\n  version: v3\n"),
        Path = "seed/GENERATOR-MANIFEST.yml",
    };

    /// <summary>The real-world extended manifest (reformers-dt-wind-gen-fc v1).</summary>
    public static GeneratorManifest Extended() => new()
    {
        Name = "reformers-dt-wind-gen-fc",
        Version = "v1",
        Schema = ManifestSchema.Extended,
        Config =
        [
            Cfg("GENERATOR_REGISTRY", "reformers-dev.ait.ac.at:8082"),
            Cfg("MODEL_REGISTRY", "reformers-dev.ait.ac.at:8083"),
            Cfg("MODEL_DOCKERFILE", "Dockerfile"),
        ],
        BuildParameters =
        [
            Param("DEFAULT_CONFIG_PARK", "path to eolica park config", "default-configs/park_alkmaar.yaml"),
            Param("DEFAULT_CONFIG_SIMULATION", "path to eolica simulation config", "default-configs/simulation_alkmaar.yaml"),
            Param("PARK_NAME", "name of the wind park", "WindparkAlkmaar"),
            Param("SCENARIO", "scenario name", "BaselineAlkmaar"),
            Param("REDIS_PASSWORD", "password for redis connection", "r3f0rm3r5-w!nd-f0r3ca5t"),
        ],
        RuntimeParameters =
        [
            Param("KNOWLEDGE_GRAPH_ENABLED", "whether to use knowledge graph for config generation", "false"),
        ],
        OptionalParameters =
        [
            Param("KNOWLEDGE_GRAPH_ENDPOINT", "endpoint of the knowledge graph database", "http://localhost:7200/repositories/REFORMERS"),
        ],
        BuildCache = ["python:3.12-slim"],
        Labels = [],
        SourceBytes = Encoding.UTF8.GetBytes("reformers-dt-wind-gen-fc:\n  version: v1\n"),
        Path = "extended/GENERATOR-MANIFEST.yml",
    };

    /// <summary>Both fixtures by name, for theories.</summary>
    public static GeneratorManifest ByName(string name) => name switch
    {
        "seed" => Seed(),
        "extended" => Extended(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>A copy of <paramref name="m"/> with one build parameter's default replaced.</summary>
    public static GeneratorManifest WithParameterDefault(GeneratorManifest m, string name, string value) => m with
    {
        BuildParameters = m.BuildParameters.Select(p => p.Name == name ? p with { Value = p.Value with { Text = value } } : p).ToList(),
    };

    /// <summary>A copy of <paramref name="m"/> with one config value replaced.</summary>
    public static GeneratorManifest WithConfig(GeneratorManifest m, string key, string value) => m with
    {
        Config = m.Config.Select(c => c.Key == key ? new KeyValuePair<string, ManifestValue>(key, c.Value with { Text = value }) : c).ToList(),
    };
}
