using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>An image read from a registry: manifest and config in memory, layers streamed on demand.</summary>
public sealed class RegistryImage : IImage
{
    /// <summary>Wraps what <see cref="RegistryImageSource"/> fetched.</summary>
    public RegistryImage(ImageReference reference, ImageManifest manifest, ReadOnlyMemory<byte> manifestBytes, ReadOnlyMemory<byte> configBytes, IReadOnlyList<ILayer> layers)
    {
        Reference = reference;
        Manifest = manifest;
        ManifestBytes = manifestBytes;
        ConfigBytes = configBytes;
        Layers = layers;
    }

    /// <summary>Where the image was read from, pinned to its manifest digest.</summary>
    public ImageReference Reference { get; }

    /// <inheritdoc/>
    public ImageManifest Manifest { get; }

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> ManifestBytes { get; }

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> ConfigBytes { get; }

    /// <inheritdoc/>
    public IReadOnlyList<ILayer> Layers { get; }
}
