using System.Text.Json.Nodes;

namespace Metagenerator.Oci.Images;

/// <summary>Pure functions that derive a new image from an existing one (nothing is changed in place).</summary>
/// <remarks>
/// The result keeps the base's media type family: a Docker schema 2 base gives a Docker schema 2
/// image (the new layer's descriptor renamed to the Docker gzip type), an OCI base an OCI image. The
/// one exception is a zstd layer on a Docker base: schema 2 has no zstd layer type, so the whole image
/// is converted to OCI (same blobs, OCI names). Manifest and config are re-serialised compactly;
/// the config keeps every field of the base, including ones this code does not know.
/// </remarks>
public static class ImageMutation
{
    /// <summary>Appends <paramref name="layer"/> (its diffID goes into the config's <c>rootfs.diff_ids</c>) and a history entry.</summary>
    public static IImage AppendLayer(IImage baseImage, ILayer layer, HistoryEntry history)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(history);
        var image = Image.From(baseImage);
        var family = layer.Descriptor.MediaType == MediaTypes.OciLayerZstd ? MediaTypeFamily.Oci : image.MediaTypeFamily;

        var config = image.ParseConfig();
        // An Image's config has rootfs.diff_ids, one a layer (checked when it was made).
        config["rootfs"]!["diff_ids"]!.AsArray().Add((JsonNode)layer.DiffId.ToString());
        if (config["history"] is not JsonArray historyArray)
        {
            historyArray = [];
            config["history"] = historyArray;
        }
        historyArray.Add((JsonNode)history.ToJson());

        var layers = image.Layers.Append(layer).Select(l => Retype(l, family)).ToList();
        return Assemble(image.Manifest, family, OciJson.Serialize(config), layers);
    }

    /// <summary>Applies <paramref name="edit"/> to a mutable copy of the config (e.g. with <see cref="ImageConfigEditor"/>) and returns the new image.</summary>
    public static IImage EditConfig(IImage image, Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var source = Image.From(image);
        var config = source.ParseConfig();
        edit(config);
        return Assemble(source.Manifest, source.MediaTypeFamily, OciJson.Serialize(config), source.Layers);
    }

    /// <summary>The layer media type of <paramref name="mediaType"/> in <paramref name="family"/>.</summary>
    public static string LayerMediaType(string mediaType, MediaTypeFamily family) => (mediaType, family) switch
    {
        (MediaTypes.OciLayerGzip, MediaTypeFamily.Docker) => MediaTypes.DockerLayerGzip,
        (MediaTypes.DockerLayerGzip, MediaTypeFamily.Oci) => MediaTypes.OciLayerGzip,
        (MediaTypes.OciLayerZstd, MediaTypeFamily.Docker) => throw new ArgumentException("a zstd layer cannot be described with Docker schema 2 media types"),
        _ => mediaType,
    };

    private static ILayer Retype(ILayer layer, MediaTypeFamily family)
    {
        var mediaType = LayerMediaType(layer.Descriptor.MediaType, family);
        if (mediaType == layer.Descriptor.MediaType) return layer;
        var descriptor = layer.Descriptor with { MediaType = mediaType };
        return layer is IRegistryLayer registryLayer ? new RetypedRegistryLayer(registryLayer, descriptor) : new RetypedLayer(layer, descriptor);
    }

    /// <summary>
    /// Replaces the manifest's annotations with <paramref name="annotations"/> (none when empty). A Docker schema 2
    /// manifest has no annotations: it is returned as it is.
    /// </summary>
    public static IImage SetAnnotations(IImage image, IReadOnlyDictionary<string, string> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var source = Image.From(image);
        if (source.MediaTypeFamily == MediaTypeFamily.Docker) return source;
        var manifest = source.Manifest with { Annotations = annotations.Count == 0 ? null : new SortedDictionary<string, string>(annotations.ToDictionary(), StringComparer.Ordinal) };
        return new Image(OciJson.Serialize(manifest), source.ConfigBytes, source.Layers);
    }

    private static Image Assemble(ImageManifest baseManifest, MediaTypeFamily family, byte[] configBytes, IReadOnlyList<ILayer> layers)
    {
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = family == MediaTypeFamily.Docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            Config = new Descriptor
            {
                MediaType = family == MediaTypeFamily.Docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig,
                Digest = Digest.Sha256(configBytes),
                Size = configBytes.Length,
            },
            Layers = layers.Select(l => l.Descriptor).ToList(),
            Annotations = family == MediaTypeFamily.Oci ? baseManifest.Annotations : null,
        };
        return new Image(OciJson.Serialize(manifest), configBytes, layers);
    }

    /// <summary>A layer whose descriptor names another media type for the same bytes.</summary>
    private class RetypedLayer(ILayer inner, Descriptor descriptor) : ILayer
    {
        public Descriptor Descriptor { get; } = descriptor;
        public Digest DiffId => inner.DiffId;
        public Task<Stream> OpenCompressedAsync(CancellationToken ct = default) => inner.OpenCompressedAsync(ct);
    }

    /// <summary>A retyped registry layer keeps its origin, so a push can still mount it.</summary>
    private sealed class RetypedRegistryLayer(IRegistryLayer inner, Descriptor descriptor) : RetypedLayer(inner, descriptor), IRegistryLayer
    {
        public string Registry => inner.Registry;
        public string Repository => inner.Repository;
    }
}
