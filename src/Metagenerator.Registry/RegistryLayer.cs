using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>A layer stored in a registry; opening it streams the blob, and a push to the same registry can mount it.</summary>
public sealed class RegistryLayer : IRegistryLayer
{
    private readonly IBlobStore _blobs;

    /// <summary>A layer of the repository <paramref name="blobs"/> stands for, whose uncompressed tar has the digest <paramref name="diffId"/>.</summary>
    public RegistryLayer(IBlobStore blobs, Descriptor descriptor, Digest diffId)
    {
        _blobs = blobs;
        Registry = blobs.Registry;
        Repository = blobs.Repository;
        Descriptor = descriptor;
        DiffId = diffId;
    }

    /// <inheritdoc/>
    public Descriptor Descriptor { get; }

    /// <inheritdoc/>
    /// <remarks>As the image config states it (or a layer record proves it); the blob is not decompressed to check.</remarks>
    public Digest DiffId { get; }

    /// <inheritdoc/>
    public string Registry { get; }

    /// <inheritdoc/>
    public string Repository { get; }

    /// <inheritdoc/>
    /// <remarks>The stream checks the blob's size and digest as it is read: content that is not this layer is a <see cref="RegistryException"/>.</remarks>
    public Task<Stream> OpenCompressedAsync(CancellationToken ct = default) => _blobs.OpenAsync(Descriptor, ct);
}
