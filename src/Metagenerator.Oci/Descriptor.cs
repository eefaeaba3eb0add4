using System.Text.Json.Serialization;

namespace Metagenerator.Oci;

/// <summary>Points at content by media type, digest and size.</summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/main/descriptor.md</remarks>
public sealed record Descriptor
{
    /// <summary>The media type of the content pointed at.</summary>
    [JsonPropertyName("mediaType")] public required string MediaType { get; init; }
    /// <summary>The content's digest.</summary>
    [JsonPropertyName("digest")] public required Digest Digest { get; init; }
    /// <summary>The content's size in bytes.</summary>
    [JsonPropertyName("size")] public required long Size { get; init; }

    /// <summary>Where else the content can be downloaded from (foreign layers).</summary>
    [JsonPropertyName("urls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>Free-form annotations.</summary>
    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The platform of a manifest listed in an index.</summary>
    [JsonPropertyName("platform"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; init; }
}
