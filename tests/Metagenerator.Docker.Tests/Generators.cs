using Metagenerator.Inspection;

namespace Metagenerator.Docker.Tests;

/// <summary>Generator descriptions read from labels, as <c>inspect</c> reads them from an image.</summary>
internal static class Generators
{
    public static GeneratorDescription FromLabels(string name, string version, params (string Key, string Value)[] labels) =>
        GeneratorDescription.FromLabels(name, version,
            LabelTree.FromLabels(labels.Select(l => new KeyValuePair<string, string>($"{name}.{version}.{l.Key}", l.Value))).Find(name, version)!);

    /// <summary>The seed example: config keys and build parameters under <c>parameters</c>.</summary>
    public static GeneratorDescription Seed(string name = "example-generator", string version = "v3") => FromLabels(name, version,
        ("config.GENERATOR_REGISTRY", "registry.example.org:8082"),
        ("config.MODEL_REGISTRY", "registry.example.org:8083"),
        ("config.MODEL_DOCKERFILE", "Dockerfile_model"),
        ("parameters.CONFIG_FILE.info", "path to config file"),
        ("parameters.CONFIG_FILE.default", "/config/config.yml"),
        ("build.cache", "[\"python:3.10\"]"));

    /// <summary>An extended manifest: generation_parameters, runtime parameters, optional ones.</summary>
    public static GeneratorDescription Extended() => FromLabels("grid-gen", "v1",
        ("config.GENERATOR_REGISTRY", "127.0.0.1:5000"),
        ("config.MODEL_REGISTRY", "127.0.0.1:5000/models"),
        ("config.MODEL_DOCKERFILE", "Dockerfile_model"),
        ("generation_parameters.GRID_DATA.info", "grid data"),
        ("generation_parameters.GRID_DATA.default", "/grid_data/default.json"),
        ("parameters.KNOWLEDGE_GRAPH_ENABLED.info", "kg"),
        ("parameters.KNOWLEDGE_GRAPH_ENABLED.example", "false"),
        ("optional.LOG_LEVEL.info", "log level"),
        ("optional.LOG_LEVEL.default", "INFO"));
}
