using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Oci;

namespace Metagenerator.Build;

/// <summary>Everything that decides the generator image's bytes, apart from the base image.</summary>
public sealed record GeneratorImageSpec
{
    /// <summary>The validated manifest.</summary>
    public required GeneratorManifest Manifest { get; init; }

    /// <summary>The model source directory (holds MODEL_DOCKERFILE).</summary>
    public required string ModelSource { get; init; }

    /// <summary>The builder the generator script drives.</summary>
    public BuilderKind Builder { get; init; } = BuilderKind.Kaniko;

    /// <summary>The image's <c>created</c> time and the layer's file times (see <see cref="SourceDateEpoch"/>).</summary>
    public DateTimeOffset Created { get; init; } = LayerSpec.DefaultModificationTime;

    /// <summary>Labels from <c>--label K=V</c>, applied after (and over) the manifest's.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraLabels { get; init; } = [];

    /// <summary>The new layers' compression.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>The compression level, or null for the fast default.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>
    /// Model source files of at least this many bytes are large: they go into their own layers (grouped by a hash of their path),
    /// so a code change does not re-upload them. Default <see cref="LayerPartitioner.DefaultLargeFileThreshold"/> (1 MiB).
    /// </summary>
    public long LargeFileThreshold { get; init; } = LayerPartitioner.DefaultLargeFileThreshold;

    /// <summary>
    /// The base image's reference as pulled (<c>docker.io/library/debian:12</c>), for the manifest's
    /// <c>org.opencontainers.image.base.name</c> annotation; null when the base has no registry name (an <c>oci:</c> layout).
    /// </summary>
    public string? BaseName { get; init; }

    /// <summary>Host files never packed from the model source, whatever <c>.dockerignore</c> says: the credentials file in use.</summary>
    public IReadOnlyList<string> ExcludedHostPaths { get; init; } = [];
}
