using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Metagenerator.Oci;

/// <summary>Source-generated JSON for the image model (no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(Platform))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class OciJsonContext : JsonSerializerContext
{
}

/// <summary>Canonical (compact, stable) serialisation helpers.</summary>
public static class OciJson
{
    // The default encoder escapes '+' (as in "+json" media types), '<', '>' and non-ASCII text as \uXXXX:
    // valid JSON, but not the bytes other tools write. Manifests and configs are JSON documents, not HTML.
    private static readonly OciJsonContext Writer = new(new JsonSerializerOptions(OciJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Serialises a manifest to the bytes that get pushed and digested.</summary>
    public static byte[] Serialize(ImageManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, Writer.ImageManifest);

    /// <summary>Serialises an index to the bytes that get pushed and digested.</summary>
    public static byte[] Serialize(ImageIndex index) =>
        JsonSerializer.SerializeToUtf8Bytes(index, Writer.ImageIndex);

    /// <summary>Serialises a JSON object (e.g. an image config) compactly.</summary>
    public static byte[] Serialize(JsonNode node) =>
        JsonSerializer.SerializeToUtf8Bytes(node, Writer.JsonNode);

    /// <summary>Parses manifest bytes; an OCI manifest without the (optional) <c>mediaType</c> field is read as an OCI image manifest.</summary>
    public static ImageManifest ParseManifest(ReadOnlySpan<byte> bytes)
    {
        if (PeekMediaType(bytes) is null && JsonNode.Parse(bytes) is JsonObject withoutType)
        {
            // image-spec makes mediaType optional (umoci, older buildah omit it); the bytes themselves stay untouched.
            withoutType["mediaType"] = MediaTypes.OciManifest;
            return withoutType.Deserialize(OciJsonContext.Default.ImageManifest) ?? throw new JsonException("empty manifest");
        }
        return JsonSerializer.Deserialize(bytes, OciJsonContext.Default.ImageManifest) ?? throw new JsonException("empty manifest");
    }

    /// <summary>Parses index bytes.</summary>
    public static ImageIndex ParseIndex(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize(bytes, OciJsonContext.Default.ImageIndex) ?? throw new JsonException("empty index");

    /// <summary>Reads the top-level <c>mediaType</c> of a manifest or index, if it has one.</summary>
    public static string? PeekMediaType(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMediaType = reader.ValueTextEquals("mediaType"u8);
            reader.Read();
            if (isMediaType && reader.TokenType == JsonTokenType.String) return reader.GetString();
            reader.Skip();
        }
        return null;
    }
}
