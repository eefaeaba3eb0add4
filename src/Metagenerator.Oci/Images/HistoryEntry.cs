using System.Text.Json.Nodes;

namespace Metagenerator.Oci.Images;

/// <summary>One entry of the config's <c>history</c> array.</summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/main/config.md (history)</remarks>
public sealed record HistoryEntry
{
    /// <summary>When the layer was created.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The command (or tool) that created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Who created it.</summary>
    public string? Author { get; init; }

    /// <summary>A free-form comment.</summary>
    public string? Comment { get; init; }

    /// <summary>The JSON object as it goes into the config; absent fields are left out.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Created is { } created) json["created"] = ImageConfigEditor.FormatTimestamp(created);
        if (CreatedBy is not null) json["created_by"] = CreatedBy;
        if (Author is not null) json["author"] = Author;
        if (Comment is not null) json["comment"] = Comment;
        return json;
    }
}
