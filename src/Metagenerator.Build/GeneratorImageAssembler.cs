using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Generator;
using Metagenerator.Oci;
using Metagenerator.Manifest;

namespace Metagenerator.Build;

/// <summary>Turns a base image and a <see cref="GeneratorImageSpec"/> into the generator image: base + one layer + config.</summary>
public static class GeneratorImageAssembler
{
    /// <summary>
    /// Builds the new layer into <paramref name="scratchDirectory"/> and returns the assembled image. When
    /// <paramref name="previous"/> (the image the destination tag holds now) is this base plus a layer with the same
    /// diffID, that layer is reused as it is: the source is tarred and hashed, but nothing is compressed or uploaded.
    /// </summary>
    public static async Task<AssembledImage> AssembleAsync(
        IImage baseImage, GeneratorImageSpec spec, string scratchDirectory, IImage? previous = null, CancellationToken ct = default)
    {
        var layerSpec = LayerSpecFor(baseImage, spec);
        var reused = previous is null ? null : await ReusableLayerAsync(previous, baseImage, layerSpec, ct).ConfigureAwait(false);
        ILayer layer;
        Digest diffId;
        string? stagedFile = null;
        if (reused is { } r)
        {
            (layer, diffId) = r;
        }
        else
        {
            var built = await LayerBuilder.BuildAsync(layerSpec, scratchDirectory, ct).ConfigureAwait(false);
            (layer, diffId, stagedFile) = (built, built.DiffId, built.FilePath);
        }

        try
        {
            var history = new HistoryEntry
            {
                Created = spec.Created,
                CreatedBy = $"metagenerator build: {spec.Manifest.Name}:{spec.Manifest.Version} ({BuilderKindParser.Name(spec.Builder)} generator)",
                Comment = "model source, GENERATOR-MANIFEST.yml, generator.sh",
            };
            var image = ImageMutation.AppendLayer(baseImage, layer, diffId, history);
            image = ImageMutation.EditConfig(image, config => Configure(config, spec));
            return new AssembledImage(image, image.Layers[^1], reused is not null, stagedFile);
        }
        catch
        {
            if (stagedFile is not null) File.Delete(stagedFile);
            throw;
        }
    }

    /// <summary>The one layer: model source (minus .dockerignore), manifest and script, with fixed times.</summary>
    public static LayerSpec LayerSpecFor(IImage baseImage, GeneratorImageSpec spec)
    {
        var script = Encoding.UTF8.GetBytes(GeneratorScript.Render(spec.Manifest, spec.Builder));
        return new LayerSpec
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
            // Docker schema 2 has no zstd layer type: a zstd layer makes the image OCI (ImageMutation converts the base).
            MediaTypeFamily = spec.Compression == LayerCompression.Zstd ? MediaTypeFamily.Oci : Image.From(baseImage).MediaTypeFamily,
        };
    }

    /// <summary>The previous image's top layer when it is exactly what <paramref name="layerSpec"/> would build on this base.</summary>
    private static async Task<(ILayer Layer, Digest DiffId)?> ReusableLayerAsync(IImage previous, IImage baseImage, LayerSpec layerSpec, CancellationToken ct)
    {
        if (previous.Layers.Count != baseImage.Layers.Count + 1) return null;
        for (var i = 0; i < baseImage.Layers.Count; i++)
            if (previous.Layers[i].Descriptor.Digest != baseImage.Layers[i].Descriptor.Digest) return null;
        var candidate = previous.Layers[^1];
        if (candidate.Descriptor.MediaType != LayerBuilder.MediaTypeOf(layerSpec)) return null;

        var diffIds = Image.ParseConfig(previous.ConfigBytes)["rootfs"]?["diff_ids"] as JsonArray;
        if (diffIds is null || diffIds.Count != previous.Layers.Count || !Digest.TryParse(diffIds[^1]?.GetValue<string>(), out var previousDiffId))
            return null;
        var (diffId, _) = await LayerBuilder.ComputeDiffIdAsync(layerSpec, ct).ConfigureAwait(false);
        return diffId == previousDiffId ? (candidate, diffId) : null;
    }

    private static void Configure(JsonObject config, GeneratorImageSpec spec)
    {
        config["created"] = ImageConfigEditor.FormatTimestamp(spec.Created);
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
        var index = env.FindIndex(e => e.StartsWith(name + "=", StringComparison.Ordinal));
        if (index >= 0) env[index] = $"{name}={value}";
        else env.Add($"{name}={value}");
    }
}

/// <summary>The generator image plus the staged layer file it may read from; dispose to delete the file.</summary>
public sealed class AssembledImage(IImage image, ILayer layer, bool reused, string? stagedFile) : IDisposable
{
    /// <summary>The image, ready for any sink.</summary>
    public IImage Image { get; } = image;

    /// <summary>The new (top) layer.</summary>
    public ILayer Layer { get; } = layer;

    /// <summary>True when the top layer was taken unchanged from the image the destination already held.</summary>
    public bool Reused { get; } = reused;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (stagedFile is not null) File.Delete(stagedFile);
    }
}
