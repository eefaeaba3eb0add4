using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metagenerator.Oci.Images;

/// <summary>An immutable image held as its exact manifest and config bytes plus its layers.</summary>
public sealed class Image : IImage
{
    /// <summary>Wraps manifest and config bytes and the layers; checks that they agree.</summary>
    /// <exception cref="ArgumentException">
    /// The manifest is not a single-image manifest, the config digest or size does not match, the config's
    /// <c>rootfs.diff_ids</c> is not a list of digests as long as the manifest's layers, or the layers do not line up with
    /// the manifest's descriptors and the config's diffIDs. The message is complete, for the user.
    /// </exception>
    public Image(ReadOnlyMemory<byte> manifestBytes, ReadOnlyMemory<byte> configBytes, IReadOnlyList<ILayer> layers)
    {
        var (manifest, diffIds) = Parse(manifestBytes, configBytes);
        if (layers.Count != manifest.Layers.Count)
            throw new ArgumentException($"{layers.Count} layers given for a manifest listing {manifest.Layers.Count}");
        for (var i = 0; i < layers.Count; i++)
        {
            var expected = manifest.Layers[i];
            var actual = layers[i].Descriptor;
            if (actual.Digest != expected.Digest || actual.Size != expected.Size || actual.MediaType != expected.MediaType)
                throw new ArgumentException($"layer {i} ({actual.Digest}) does not match the manifest's descriptor ({expected.Digest})");
            if (layers[i].DiffId != diffIds[i])
                throw new ArgumentException($"layer {i} ({actual.Digest}) has diffID {layers[i].DiffId}, but the config's rootfs.diff_ids[{i}] is {diffIds[i]}");
        }
        Manifest = manifest;
        ManifestBytes = manifestBytes;
        ConfigBytes = configBytes;
        Layers = layers;
        Digest = Oci.Digest.Sha256(manifestBytes.Span);
    }

    /// <summary>
    /// The image whose manifest and config are <paramref name="manifestBytes"/> and <paramref name="configBytes"/>, each
    /// layer made by <paramref name="layerOf"/> from its manifest descriptor and the config's diffID at the same index:
    /// how an image source pairs the two lists, once, after checking they agree.
    /// </summary>
    /// <exception cref="ArgumentException">As for the constructor.</exception>
    public static Image FromManifestAndConfig(ReadOnlyMemory<byte> manifestBytes, ReadOnlyMemory<byte> configBytes, Func<Descriptor, Digest, ILayer> layerOf)
    {
        ArgumentNullException.ThrowIfNull(layerOf);
        var (manifest, diffIds) = Parse(manifestBytes, configBytes);
        return new Image(manifestBytes, configBytes, [.. manifest.Layers.Select((descriptor, i) => layerOf(descriptor, diffIds[i]))]);
    }

    /// <summary>The manifest and the config's diffIDs, after checking the manifest's type, the config's digest and size, and that there is one diffID a layer.</summary>
    private static (ImageManifest Manifest, IReadOnlyList<Digest> DiffIds) Parse(ReadOnlyMemory<byte> manifestBytes, ReadOnlyMemory<byte> configBytes)
    {
        var manifest = OciJson.ParseManifest(manifestBytes.Span);
        if (!MediaTypes.IsImageManifest(manifest.MediaType))
            throw new ArgumentException($"manifest media type '{manifest.MediaType}' is not an image manifest");
        var configDigest = Oci.Digest.Sha256(configBytes.Span);
        if (manifest.Config.Digest != configDigest || manifest.Config.Size != configBytes.Length)
            throw new ArgumentException($"config bytes ({configDigest}, {configBytes.Length} bytes) do not match the manifest's config descriptor ({manifest.Config.Digest}, {manifest.Config.Size} bytes)");
        var diffIds = DiffIds(configBytes);
        if (diffIds.Count != manifest.Layers.Count)
            throw new ArgumentException($"the config's rootfs.diff_ids lists {diffIds.Count} layers but the manifest has {manifest.Layers.Count}");
        return (manifest, diffIds);
    }

    /// <summary>The config's <c>rootfs.diff_ids</c> (required by the image spec's config.md).</summary>
    private static List<Digest> DiffIds(ReadOnlyMemory<byte> configBytes)
    {
        try
        {
            using var config = JsonDocument.Parse(configBytes);
            if (config.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"the config is {Describe(config.RootElement)}, not a JSON object");
            if (!config.RootElement.TryGetProperty("rootfs", out var rootfs) || rootfs.ValueKind != JsonValueKind.Object)
                throw new ArgumentException("the config's rootfs is missing or not an object");
            if (!rootfs.TryGetProperty("diff_ids", out var items) || items.ValueKind != JsonValueKind.Array)
                throw new ArgumentException("the config's rootfs.diff_ids is missing or not an array");
            var diffIds = new List<Digest>();
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !Oci.Digest.TryParse(item.GetString(), out var diffId))
                    throw new ArgumentException($"the config's rootfs.diff_ids[{diffIds.Count}] is {Describe(item)}, not a digest");
                diffIds.Add(diffId);
            }
            return diffIds;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the config is not JSON ({e.Message})", e);
        }
    }

    private static string Describe(JsonElement value) => value.GetRawText() is { Length: <= 80 } text ? text : $"a long {value.ValueKind.ToString().ToLowerInvariant()}";

    /// <inheritdoc/>
    public ImageManifest Manifest { get; }

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> ManifestBytes { get; }

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> ConfigBytes { get; }

    /// <inheritdoc/>
    public IReadOnlyList<ILayer> Layers { get; }

    /// <summary>The manifest digest (the image's identity).</summary>
    public Digest Digest { get; }

    /// <summary>The family of the manifest's media types.</summary>
    public MediaTypeFamily MediaTypeFamily => Manifest.MediaType == MediaTypes.DockerManifest ? MediaTypeFamily.Docker : MediaTypeFamily.Oci;

    /// <summary>A fresh, mutable parse of the config (unknown fields kept).</summary>
    public JsonObject ParseConfig() => ParseConfig(ConfigBytes);

    /// <summary>Parses config bytes into a mutable JSON object.</summary>
    public static JsonObject ParseConfig(ReadOnlyMemory<byte> configBytes) =>
        JsonNode.Parse(configBytes.Span) as JsonObject ?? throw new FormatException("the image config is not a JSON object");

    /// <summary>Any <see cref="IImage"/> as an <see cref="Image"/> (validated).</summary>
    public static Image From(IImage image) => image as Image ?? new Image(image.ManifestBytes, image.ConfigBytes, image.Layers);
}
