using System.Text.Json.Serialization;

namespace Metagenerator.Oci;

/// <summary>A single-platform image manifest (OCI or Docker schema 2; the JSON shape is the same).</summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/main/manifest.md</remarks>
public sealed record ImageManifest
{
    /// <summary>Always 2.</summary>
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    /// <summary>The manifest media type; optional in OCI manifests, so an absent field reads as the OCI type.</summary>
    /// <remarks>Source-generated JSON sets absent init-only properties to null, hence the fallback in the getter.</remarks>
    [JsonPropertyName("mediaType")]
    public string MediaType { get => _mediaType ?? MediaTypes.OciManifest; init => _mediaType = value; }

    private readonly string? _mediaType;

    /// <summary>The image config blob.</summary>
    [JsonPropertyName("config")] public required Descriptor Config { get; init; }
    /// <summary>The layers, base first.</summary>
    [JsonPropertyName("layers")] public required IReadOnlyList<Descriptor> Layers { get; init; }

    /// <summary>Free-form annotations.</summary>
    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>A multi-platform index (OCI index or Docker manifest list).</summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/main/image-index.md</remarks>
public sealed record ImageIndex
{
    /// <summary>Always 2.</summary>
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;

    /// <summary>The index media type (optional in OCI indexes).</summary>
    [JsonPropertyName("mediaType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    /// <summary>One descriptor per platform-specific manifest.</summary>
    [JsonPropertyName("manifests")] public required IReadOnlyList<Descriptor> Manifests { get; init; }

    /// <summary>Free-form annotations.</summary>
    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
