using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Generator;
using Metagenerator.Oci;

namespace Metagenerator.Build;

/// <summary>Turns a base image and a <see cref="GeneratorImageSpec"/> into the generator image: base + one layer + config.</summary>
public static class GeneratorImageAssembler
{
    /// <summary>Builds the new layer into <paramref name="scratchDirectory"/> and returns the assembled image.</summary>
    /// <remarks>The caller disposes the result, which deletes the staged layer file.</remarks>
    public static async Task<AssembledImage> AssembleAsync(IImage baseImage, GeneratorImageSpec spec, string scratchDirectory, CancellationToken ct = default)
    {
        var script = Encoding.UTF8.GetBytes(GeneratorScript.Render(spec.Manifest, spec.Builder));
        var layerSpec = new LayerSpec
        {
            Sources =
            [
                new DirectorySource(spec.ModelSource, GeneratorImageLayout.ModelSource.TrimStart('/'), UseDockerignore: true)
                {
                    // The generator's builder needs the model Dockerfile in its context whatever .dockerignore says.
                    AlwaysInclude = [spec.Manifest.ModelDockerfile, ".dockerignore"],
                },
                new FileSource(GeneratorImageLayout.Manifest.TrimStart('/'), spec.Manifest.SourceBytes, (UnixFileMode)Convert.ToInt32("644", 8)),
                new FileSource(GeneratorImageLayout.Script.TrimStart('/'), script, (UnixFileMode)Convert.ToInt32("755", 8)),
            ],
            Compression = spec.Compression,
            CompressionLevel = spec.CompressionLevel,
            ModificationTime = spec.Created,
            MediaTypeFamily = MediaTypeFamilyOf(baseImage),
        };
        var layer = await LayerBuilder.BuildAsync(layerSpec, scratchDirectory, ct).ConfigureAwait(false);
        try
        {
            var created = ImageConfigEditor.FormatTimestamp(spec.Created);
            var history = new HistoryEntry
            {
                Created = spec.Created,
                CreatedBy = $"metagenerator build: {spec.Manifest.Name}:{spec.Manifest.Version} ({spec.Builder.ToString().ToLowerInvariant()} generator)",
                Comment = "model source, GENERATOR-MANIFEST.yml, generator.sh",
            };
            var image = ImageMutation.AppendLayer(baseImage, layer, layer.DiffId, history);
            image = ImageMutation.EditConfig(image, config => Configure(config, spec, created));
            return new AssembledImage(image, layer);
        }
        catch
        {
            File.Delete(layer.FilePath);
            throw;
        }
    }

    private static void Configure(JsonObject config, GeneratorImageSpec spec, string created)
    {
        config["created"] = created;
        var runtime = config["config"] as JsonObject ?? new JsonObject();
        config["config"] = runtime;
        runtime["WorkingDir"] = GeneratorImageLayout.Workspace;
        runtime["Entrypoint"] = new JsonArray([.. GeneratorImageLayout.Entrypoint(spec.Builder).Select(e => (JsonNode)JsonValue.Create(e))]);
        // The base's Cmd would arrive as arguments to the script (and `help` is one), so clear it.
        runtime.Remove("Cmd");

        var env = (runtime["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToList() ?? [];
        SetEnv(env, "MODEL_BUILD_CONTEXT", GeneratorImageLayout.ModelSource);
        SetEnv(env, "DOCKER_CONFIG", GeneratorImageLayout.Workspace);
        runtime["Env"] = new JsonArray([.. env.Select(e => (JsonNode)JsonValue.Create(e))]);

        var labels = runtime["Labels"] as JsonObject ?? new JsonObject();
        runtime["Labels"] = labels;
        foreach (var (key, value) in spec.Manifest.Labels.Concat(spec.ExtraLabels))
            labels[key] = value;
    }

    private static void SetEnv(List<string> env, string name, string value)
    {
        env.RemoveAll(e => e.StartsWith(name + "=", StringComparison.Ordinal));
        env.Add($"{name}={value}");
    }

    private static MediaTypeFamily MediaTypeFamilyOf(IImage image) =>
        image.Manifest.MediaType == MediaTypes.DockerManifest ? MediaTypeFamily.Docker : MediaTypeFamily.Oci;
}

/// <summary>The generator image plus the staged layer file it reads from; dispose to delete the file.</summary>
public sealed class AssembledImage(IImage image, BuiltLayer layer) : IDisposable
{
    /// <summary>The image, ready for any sink.</summary>
    public IImage Image { get; } = image;

    /// <summary>The new layer.</summary>
    public BuiltLayer Layer { get; } = layer;

    /// <inheritdoc/>
    public void Dispose() => File.Delete(Layer.FilePath);
}
