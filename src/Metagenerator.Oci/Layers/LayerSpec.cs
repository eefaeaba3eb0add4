namespace Metagenerator.Oci.Layers;

/// <summary>What goes into one reproducible layer and how it is compressed.</summary>
public sealed record LayerSpec
{
    /// <summary>The default modification time of every entry: the Unix epoch plus one second (as Jib does), used when no SOURCE_DATE_EPOCH is given.</summary>
    public static DateTimeOffset DefaultModificationTime { get; } = DateTimeOffset.UnixEpoch.AddSeconds(1);

    /// <summary>The sources; their entries are merged and sorted by path.</summary>
    public required IReadOnlyList<LayerSource> Sources { get; init; }

    /// <summary>The compression of the layer blob.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>The compression level (gzip 1–9, zstd 1–22), or null for <see cref="LayerBuilder.DefaultCompressionLevel"/>.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>The mtime written on every entry (whole seconds; the caller takes it from SOURCE_DATE_EPOCH or uses <see cref="DefaultModificationTime"/>).</summary>
    public DateTimeOffset ModificationTime { get; init; } = DefaultModificationTime;

    /// <summary>Which media type names the layer descriptor gets.</summary>
    public MediaTypeFamily MediaTypeFamily { get; init; } = MediaTypeFamily.Oci;
}

/// <summary>The compression of a layer blob.</summary>
public enum LayerCompression
{
    /// <summary>gzip (deflate); readable by every runtime.</summary>
    Gzip,
    /// <summary>zstd; OCI media type <c>tar+zstd</c> only (Docker schema 2 has no zstd layer type).</summary>
    Zstd,
}

/// <summary>The family of media type names: OCI image spec or Docker schema 2.</summary>
public enum MediaTypeFamily
{
    /// <summary><c>application/vnd.oci.image.*</c>.</summary>
    Oci,
    /// <summary><c>application/vnd.docker.*</c>.</summary>
    Docker,
}

/// <summary>Something that contributes entries to a layer.</summary>
public abstract record LayerSource;

/// <summary>
/// A host directory copied to <paramref name="TargetPath"/> (relative to the image root, e.g. <c>workspace/model-src</c>),
/// optionally filtered by the <c>.dockerignore</c> at its top.
/// </summary>
/// <remarks>
/// Docker's CLI always sends the Dockerfile and <c>.dockerignore</c> even when they are ignored. The
/// model build that runs inside the generator needs both (kaniko reads the Dockerfile and applies the
/// same <c>.dockerignore</c> again), so the paths in <see cref="AlwaysInclude"/> are kept whatever the
/// <c>.dockerignore</c> says. Set it to the model Dockerfile's path when it is not <c>Dockerfile</c>.
/// </remarks>
public sealed record DirectorySource(string HostPath, string TargetPath, bool UseDockerignore) : LayerSource
{
    /// <summary>Paths relative to <see cref="HostPath"/> that no <c>.dockerignore</c> rule removes (if they exist).</summary>
    public IReadOnlyList<string> AlwaysInclude { get; init; } = ["Dockerfile", ".dockerignore"];

    /// <summary>
    /// Host files that are never packed, whatever <c>.dockerignore</c> and <see cref="AlwaysInclude"/> say: a file
    /// that is one of these (the same file by device and inode, so under any name or hard link) is left out. The build
    /// passes the credentials file in use, which must never travel inside an image.
    /// </summary>
    public IReadOnlyList<string> ExcludedHostPaths { get; init; } = [];
}

/// <summary>A file with the given content and mode at <paramref name="TargetPath"/> (relative to the image root).</summary>
public sealed record FileSource(string TargetPath, ReadOnlyMemory<byte> Content, UnixFileMode Mode) : LayerSource;
