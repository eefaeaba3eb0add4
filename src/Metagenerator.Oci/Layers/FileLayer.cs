namespace Metagenerator.Oci.Layers;

/// <summary>A layer blob stored in a local file: one <see cref="LayerBuilder"/> wrote, or one in an OCI layout's <c>blobs/</c>.</summary>
public sealed class FileLayer(Descriptor descriptor, Digest diffId, string filePath) : ILayer
{
    /// <inheritdoc/>
    public Descriptor Descriptor { get; } = descriptor;

    /// <inheritdoc/>
    public Digest DiffId { get; } = diffId;

    /// <summary>The file holding the compressed blob.</summary>
    public string FilePath { get; } = filePath;

    /// <summary>The size of the uncompressed tar in bytes, when known (a layer <see cref="LayerBuilder"/> built); otherwise null.</summary>
    public long? UncompressedSize { get; init; }

    /// <summary>
    /// Where the blob comes from (e.g. <c>oci:DIR:TAG</c>), or null for a file this program wrote itself. When set, reading
    /// checks the bytes against <see cref="Descriptor"/> and fails with <see cref="BlobContentMismatchException"/> naming it.
    /// </summary>
    public string? Origin { get; init; }

    /// <inheritdoc/>
    public Task<Stream> OpenCompressedAsync(CancellationToken ct = default)
    {
        try
        {
            // A FIFO or device in place of the blob is refused on open, not waited on or read without end.
            Stream file = Origin is null
                ? new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan)
                : SmallInputFile.OpenRegularFile(FilePath);
            return Task.FromResult(Origin is null ? file : new VerifyingReadStream(file, Descriptor, Origin, FilePath));
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"layer blob {Descriptor.Digest} is missing: {FilePath} does not exist", FilePath, e);
        }
    }
}
