namespace Metagenerator.Manifest.Yaml;

/// <summary>A map or list whose end event has not been read yet, with what its next child will be.</summary>
internal sealed class OpenCollection(SourceNode node, string path, string? anchor, bool flow)
{
    /// <summary>The map or list being filled.</summary>
    public SourceNode Node { get; } = node;

    /// <summary>Its dotted key path ("" for the root).</summary>
    public string Path { get; } = path;

    /// <summary>The anchor it defines, registered once it is complete (an alias may only repeat a complete node).</summary>
    public string? Anchor { get; } = anchor;

    /// <summary>Written as <c>[...]</c> or <c>{...}</c>: syntax errors inside are reported with where it opened.</summary>
    public bool Flow { get; } = flow;

    /// <summary>For a map: the key read, whose value comes next.</summary>
    public SourceScalar? PendingKey { get; set; }

    /// <summary>For a map: a key was read and its value is still to come.</summary>
    public bool KeyPending { get; set; }

    /// <summary>For a map: the pending key was not text, so its value is read but dropped.</summary>
    public bool DiscardValue { get; set; }

    /// <summary>For a map: the keys so far, to report duplicates with the first one's line.</summary>
    public Dictionary<string, SourceScalar> SeenKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The key path of the child read next.</summary>
    public string ChildPath() => Node switch
    {
        SourceSequence seq => $"{(Path.Length == 0 ? "(root)" : Path)}[{seq.Items.Count}]",
        _ when KeyPending && PendingKey is { } key => SourceDocumentReader.JoinPath(Path, key.Text),
        _ => SourceDocumentReader.JoinPath(Path, "?"),
    };

    /// <summary>Its own key path for messages: "(root)" for the top level.</summary>
    public string DisplayPath => Path.Length == 0 ? "(root)" : Path;
}
