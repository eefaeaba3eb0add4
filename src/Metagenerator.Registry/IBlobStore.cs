using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>The blobs of one repository of one registry.</summary>
public interface IBlobStore
{
    /// <summary>The registry host (with port).</summary>
    string Registry { get; }

    /// <summary>The repository.</summary>
    string Repository { get; }

    /// <summary>The blob's size (-1 when the registry did not say) when present, null when the repository does not have it.</summary>
    /// <param name="digest">The blob.</param>
    /// <param name="forPush">Ask for a push token right away, so one token serves the whole push.</param>
    /// <param name="ct">Cancels the request.</param>
    Task<BlobInfo?> HeadAsync(Digest digest, bool forPush, CancellationToken ct = default);

    /// <summary>Streams a blob; reading past its end checks its size and digest. The caller disposes the stream.</summary>
    Task<Stream> OpenAsync(Descriptor blob, CancellationToken ct = default);

    /// <summary>Reads a small blob (a config) into memory, checked against its descriptor.</summary>
    Task<byte[]> ReadAsync(Descriptor blob, CancellationToken ct = default);

    /// <summary>Mounts a blob from another repository of the same registry; when the registry declines, the upload session it opened instead.</summary>
    Task<MountResult> MountAsync(Digest digest, string fromRepository, CancellationToken ct = default);

    /// <summary>Uploads a blob from the stream <paramref name="open"/> gives (called again for each retry).</summary>
    /// <param name="blob">The blob's descriptor (digest and size are checked by the registry).</param>
    /// <param name="open">Opens the blob's content from the start.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="session">An upload session already opened (e.g. by a declined mount), used for the first attempt.</param>
    /// <param name="ct">Cancels the upload.</param>
    Task UploadAsync(Descriptor blob, Func<CancellationToken, Task<Stream>> open, IProgress<long>? progress = null, Uri? session = null, CancellationToken ct = default);
}
