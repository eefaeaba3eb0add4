using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>A layer stored in a registry; opening it streams the blob, and a push to the same registry can mount it.</summary>
public sealed class RegistryLayer : IRegistryLayer
{
    private readonly IBlobStore _blobs;

    /// <summary>A layer of the repository <paramref name="blobs"/> stands for.</summary>
    public RegistryLayer(IBlobStore blobs, Descriptor descriptor)
    {
        _blobs = blobs;
        Registry = blobs.Registry;
        Repository = blobs.Repository;
        Descriptor = descriptor;
    }

    /// <inheritdoc/>
    public Descriptor Descriptor { get; }

    /// <inheritdoc/>
    public string Registry { get; }

    /// <inheritdoc/>
    public string Repository { get; }

    /// <inheritdoc/>
    /// <remarks>The stream checks the blob's size and digest as it is read: content that is not this layer is a <see cref="RegistryException"/>.</remarks>
    public Task<Stream> OpenCompressedAsync(CancellationToken ct = default) => _blobs.OpenAsync(Descriptor, ct);
}
