using Metagenerator.Generator;
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

    /// <summary>The image's <c>created</c> time and the layer's file times.</summary>
    public DateTimeOffset Created { get; init; } = LayerSpec.DefaultModificationTime;

    /// <summary>Labels from <c>--label K=V</c>, applied after (and over) the manifest's.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraLabels { get; init; } = [];

    /// <summary>The new layer's compression.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>The compression level, or null for the fast default.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>The <c>created</c> time for a reproducible build: <c>SOURCE_DATE_EPOCH</c> when set, else 1970-01-01T00:00:01Z (some tools read a zero time as unset).</summary>
    public static DateTimeOffset CreatedFromEnvironment(string? sourceDateEpoch)
    {
        if (string.IsNullOrWhiteSpace(sourceDateEpoch)) return LayerSpec.DefaultModificationTime;
        if (!long.TryParse(sourceDateEpoch, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            throw new FormatException($"SOURCE_DATE_EPOCH='{sourceDateEpoch}' is not a number of seconds since 1970-01-01; unset it or give an integer");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
