using Metagenerator.TestSupport;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// A model developer's workspace as the seed's users have it: an extended-schema manifest (build parameters, runtime
/// and optional parameters) whose registries are the test registry, and a model source whose Dockerfile writes its
/// build arguments into the model image.
/// </summary>
internal sealed class ModelWorkspace : IDisposable
{
    private readonly TempDirectory _dir = new("mg-ws");

    public ModelWorkspace(string registry, string generatorName, string version, string builder, string baseImage, string modelBase,
        string manifestName = "GENERATOR-MANIFEST.yml", string modelSource = "model-src")
    {
        Registry = registry;
        GeneratorName = generatorName;
        Version = version;
        _dir.WriteFile(manifestName, $"""
            {generatorName}:
              version: {version}
              config:
                GENERATOR_REGISTRY: {registry}
                MODEL_REGISTRY: {registry}
                MODEL_DOCKERFILE: Dockerfile_model
              generation_parameters:
                GRID_DATA:
                  info: grid data file the model reads
                  default: /grid_data/default.json
                INPUT_STREAM:
                  info: stream the model consumes
                  default: reformers.metering_data.DUMMY1
              parameters:
                KNOWLEDGE_GRAPH_ENABLED:
                  info: whether to use the knowledge graph
                  example: "false"
              optional:
                LOG_LEVEL:
                  info: log level
                  default: INFO
              build:
                builder: {builder}
                base_image: {baseImage}
                cache: ["python:3.10"]
            """);
        _dir.WriteFile($"{modelSource}/Dockerfile_model", $"""
            FROM {modelBase}
            ARG GRID_DATA
            ARG INPUT_STREAM
            ARG MODEL_NAME
            ARG MODEL_TAG
            ARG GENERATOR_NAME
            RUN mkdir -p /out && printf '%s' "$GRID_DATA" > /out/GRID_DATA && printf '%s' "$INPUT_STREAM" > /out/INPUT_STREAM \
             && printf '%s' "$MODEL_NAME:$MODEL_TAG" > /out/MODEL && printf '%s' "$GENERATOR_NAME" > /out/GENERATOR_NAME
            """);
        _dir.WriteFile($"{modelSource}/model.py", "print('simulating')\n");
    }

    public string Path => _dir.Path;
    public string Registry { get; }
    public string GeneratorName { get; }
    public string Version { get; }

    /// <summary>Where the generator image is pushed: GENERATOR_REGISTRY/NAME:VERSION.</summary>
    public string GeneratorImage => $"{Registry}/{GeneratorName}:{Version}";

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public void AddConfigJson(string configJson) => File.Copy(configJson, _dir.Combine("config.json"), overwrite: true);

    public void Dispose() => _dir.Dispose();
}
