namespace Metagenerator.Oci.Layers;

/// <summary>A layer blob written to a local file by <see cref="LayerBuilder"/>.</summary>
public sealed class BuiltLayer : ILayer
{
    /// <summary>Wraps an existing layer file whose digests are known.</summary>
    public BuiltLayer(Descriptor descriptor, Digest diffId, string filePath, long uncompressedSize)
    {
        Descriptor = descriptor;
        DiffId = diffId;
        FilePath = filePath;
        UncompressedSize = uncompressedSize;
    }

    /// <inheritdoc/>
    public Descriptor Descriptor { get; }

    /// <summary>The sha256 of the uncompressed tar (goes into the config's <c>rootfs.diff_ids</c>).</summary>
    public Digest DiffId { get; }

    /// <summary>Where the compressed blob is.</summary>
    public string FilePath { get; }

    /// <summary>The compressed size in bytes (same as the descriptor's).</summary>
    public long Size => Descriptor.Size;

    /// <summary>The size of the uncompressed tar in bytes.</summary>
    public long UncompressedSize { get; }

    /// <inheritdoc/>
    public Task<Stream> OpenCompressedAsync(CancellationToken ct = default) =>
        Task.FromResult<Stream>(new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
}
