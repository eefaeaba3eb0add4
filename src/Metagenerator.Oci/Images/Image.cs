using System.Text.Json.Nodes;

namespace Metagenerator.Oci.Images;

/// <summary>An immutable image held as its exact manifest and config bytes plus its layers.</summary>
public sealed class Image : IImage
{
    /// <summary>Wraps manifest and config bytes and the layers; checks that they agree.</summary>
    /// <exception cref="ArgumentException">The manifest is not a single-image manifest, the config digest or size does not match, or the layers do not line up with the manifest.</exception>
    public Image(ReadOnlyMemory<byte> manifestBytes, ReadOnlyMemory<byte> configBytes, IReadOnlyList<ILayer> layers)
    {
        var manifest = OciJson.ParseManifest(manifestBytes.Span);
        if (!MediaTypes.IsImageManifest(manifest.MediaType))
            throw new ArgumentException($"manifest media type '{manifest.MediaType}' is not an image manifest", nameof(manifestBytes));
        var configDigest = Oci.Digest.Sha256(configBytes.Span);
        if (manifest.Config.Digest != configDigest || manifest.Config.Size != configBytes.Length)
            throw new ArgumentException($"config bytes ({configDigest}, {configBytes.Length} bytes) do not match the manifest's config descriptor ({manifest.Config.Digest}, {manifest.Config.Size} bytes)", nameof(configBytes));
        if (layers.Count != manifest.Layers.Count)
            throw new ArgumentException($"{layers.Count} layers given for a manifest listing {manifest.Layers.Count}", nameof(layers));
        for (var i = 0; i < layers.Count; i++)
        {
            var expected = manifest.Layers[i];
            var actual = layers[i].Descriptor;
            if (actual.Digest != expected.Digest || actual.Size != expected.Size || actual.MediaType != expected.MediaType)
                throw new ArgumentException($"layer {i} ({actual.Digest}) does not match the manifest's descriptor ({expected.Digest})", nameof(layers));
        }
        Manifest = manifest;
        ManifestBytes = manifestBytes;
        ConfigBytes = configBytes;
        Layers = layers;
        Digest = Oci.Digest.Sha256(manifestBytes.Span);
    }

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
