namespace Metagenerator.Oci;

/// <summary>An image: its manifest, its config and its layers, readable from any source.</summary>
/// <remarks>Immutable; a changed image is a new instance .</remarks>
public interface IImage
{
    /// <summary>The parsed manifest; its layers line up with <see cref="Layers"/>.</summary>
    ImageManifest Manifest { get; }

    /// <summary>The exact manifest bytes (what gets pushed and digested).</summary>
    ReadOnlyMemory<byte> ManifestBytes { get; }

    /// <summary>The exact config blob bytes.</summary>
    ReadOnlyMemory<byte> ConfigBytes { get; }

    /// <summary>The layers, base first; each carries its diffID (the config's <c>rootfs.diff_ids</c> entry at its index).</summary>
    IReadOnlyList<ILayer> Layers { get; }

    /// <summary>The manifest digest (the image's identity).</summary>
    Digest Digest => Digest.Sha256(ManifestBytes.Span);
}

/// <summary>A layer blob with a way to read it.</summary>
public interface ILayer
{
    /// <summary>The descriptor as it appears in the manifest.</summary>
    Descriptor Descriptor { get; }

    /// <summary>The sha256 of the uncompressed tar: the image config's <c>rootfs.diff_ids</c> entry for this layer.</summary>
    Digest DiffId { get; }

    /// <summary>Opens the blob exactly as stored (compressed). The caller disposes the stream.</summary>
    Task<Stream> OpenCompressedAsync(CancellationToken ct = default);
}

/// <summary>Where a layer came from in a registry, so a push to the same registry can mount it instead of copying.</summary>
public interface IRegistryLayer : ILayer
{
    /// <summary>The registry host (with port) holding the blob.</summary>
    string Registry { get; }

    /// <summary>The repository holding the blob.</summary>
    string Repository { get; }
}

/// <summary>Reads images from somewhere: a registry, an OCI layout.</summary>
public interface IImageSource
{
    /// <summary>Reads the image that <paramref name="reference"/> names, resolving an index to <paramref name="platform"/>.</summary>
    Task<IImage> ReadImageAsync(string reference, Platform platform, CancellationToken ct = default);
}

/// <summary>Writes images somewhere: a registry, an OCI layout, a docker-archive tarball.</summary>
public interface IImageSink
{
    /// <summary>Writes <paramref name="image"/> and names it with each of <paramref name="tags"/> (sink-specific reference strings).</summary>
    Task WriteImageAsync(IImage image, IReadOnlyList<string> tags, IEvents? events = null, CancellationToken ct = default);
}

/// <summary>What happened to one blob during a write, for progress output and for tests that count uploads.</summary>
public sealed record TransferEvent(Descriptor Blob, TransferKind Kind, long BytesDone);

/// <summary>How a blob reached the sink.</summary>
public enum TransferKind
{
    /// <summary>Already present; nothing sent.</summary>
    Exists,
    /// <summary>Mounted from another repository on the same registry; nothing sent.</summary>
    Mounted,
    /// <summary>Bytes are being uploaded (BytesDone grows).</summary>
    Uploading,
    /// <summary>Uploaded and confirmed.</summary>
    Uploaded,
}
