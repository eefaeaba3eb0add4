namespace Metagenerator.Oci.Blobs;

/// <summary>The one copy loop of the local sinks: copy a blob, hash it on the way, and check it against its descriptor.</summary>
internal static class BlobCopy
{
    private const int BufferSize = 1 << 20;

    /// <summary>Names where a layer's bytes come from, for <see cref="BlobContentMismatchException"/>.</summary>
    public static string OriginOf(ILayer layer) => layer switch
    {
        IRegistryLayer r => $"{r.Registry}/{r.Repository}",
        FileLayer { Origin: { } origin } => origin,
        FileLayer f => f.FilePath,
        _ => "the layer's source",
    };

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/>, never more than the descriptor's size (a tar entry
    /// must not overflow), reporting progress; fails when the bytes do not match <paramref name="descriptor"/>.
    /// </summary>
    /// <exception cref="BlobContentMismatchException">The content has another digest or size; <paramref name="origin"/> names the source.</exception>
    public static async Task CopyVerifiedAsync(
        Stream source, Stream destination, Descriptor descriptor, string origin, IEvents? events, CancellationToken ct)
    {
        using var hashing = new HashingWriteStream(destination, leaveOpen: true);
        var buffer = new byte[BufferSize];
        int n;
        while ((n = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (hashing.BytesWritten + n > descriptor.Size)
                throw new BlobContentMismatchException(origin, descriptor, default, hashing.BytesWritten + n);
            hashing.Write(buffer, 0, n);
            events?.Transfer(new TransferEvent(descriptor, TransferKind.Uploading, hashing.BytesWritten));
        }
        var actual = hashing.GetDigest();
        if (actual != descriptor.Digest || hashing.BytesWritten != descriptor.Size)
            throw new BlobContentMismatchException(origin, descriptor, actual, hashing.BytesWritten);
    }
}
