using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Metagenerator.Manifest.Yaml;

/// <summary>
/// Builds the <see cref="SourceNode"/> tree from YamlDotNet's parsing events, one event at a time.
/// Problems are added to the error list; <see cref="Accept"/> returns false when reading must stop.
/// </summary>
internal sealed class SourceTreeBuilder(string file, List<ManifestError> errors)
{
    private readonly Stack<OpenCollection> open = new();
    private readonly Dictionary<string, SourceNode> anchors = new(StringComparer.Ordinal);
    private int documents;
    private bool sawAlias;

    /// <summary>The top-level node, once read.</summary>
    public SourceNode? Root { get; private set; }

    /// <summary>The innermost open <c>[...]</c> or <c>{...}</c>, if any.</summary>
    public OpenCollection? InnermostFlow => open.FirstOrDefault(c => c.Flow);

    /// <summary>The key path a problem at the current position belongs to.</summary>
    public string CurrentPath
    {
        get
        {
            if (open.Count == 0) return "(root)";
            var top = open.Peek();
            // Between entries of a map the problem belongs to the map itself.
            return top.Node is SourceMapping && !top.KeyPending ? top.DisplayPath : top.ChildPath();
        }
    }

    /// <summary>Takes in one event; false when a problem was found after which nothing further can be trusted.</summary>
    public bool Accept(ParsingEvent ev) => ev switch
    {
        DocumentStart => StartDocument(ev.Start),
        Scalar s => AddScalar(s),
        AnchorAlias alias => AddAlias(alias),
        MappingStart m => Open(new SourceMapping(LineOf(m.Start), ColumnOf(m.Start)), m.Anchor, m.Style == MappingStyle.Flow, m.Start),
        SequenceStart q => Open(new SourceSequence(LineOf(q.Start), ColumnOf(q.Start)), q.Anchor, q.Style == SequenceStyle.Flow, q.Start),
        MappingEnd or SequenceEnd => Close(ev.Start),
        _ => true,
    };

    private bool StartDocument(Mark at)
    {
        if (++documents == 1) return true;
        return Stop(at, "(root)",
            "a second YAML document starts here; a manifest holds exactly one document (remove this '---' and what follows, or merge it into the first)");
    }

    private bool AddScalar(Scalar s)
    {
        var node = new SourceScalar(s.Value, s.Style, LineOf(s.Start), ColumnOf(s.Start));
        if (!s.Anchor.IsEmpty) anchors[s.Anchor.Value] = node;
        return Attach(node, s.Start);
    }

    private bool AddAlias(AnchorAlias alias)
    {
        sawAlias = true;
        var name = alias.Value.Value;
        if (anchors.TryGetValue(name, out var target)) return Attach(target, alias.Start);
        var shown = SourceDocumentReader.Shorten(name);
        return Stop(alias.Start, CurrentPath,
            $"alias '*{shown}' names no anchor defined before it (an alias can only repeat an earlier, complete '&{shown}' node)");
    }

    private bool Open(SourceNode node, AnchorName anchor, bool flow, Mark at)
    {
        if (open.Count >= SourceDocumentReader.MaxDepth)
            return Stop(at, CurrentPath, $"maps and lists are nested more than {SourceDocumentReader.MaxDepth} levels deep");
        var path = open.Count == 0 ? "" : open.Peek().ChildPath();
        open.Push(new OpenCollection(node, path, anchor.IsEmpty ? null : anchor.Value, flow));
        return true;
    }

    private bool Close(Mark at)
    {
        var done = open.Pop();
        if (done.Anchor is not null) anchors[done.Anchor] = done.Node;
        return Attach(done.Node, at);
    }

    /// <summary>Puts a complete node where it belongs: the root, the next list item, a map key or a map value.</summary>
    private bool Attach(SourceNode node, Mark at)
    {
        if (open.Count == 0)
        {
            Root = node;
            return true;
        }
        var parent = open.Peek();
        switch (parent.Node)
        {
            case SourceSequence list:
                list.Add(node);
                break;
            case SourceMapping when !parent.KeyPending:
                TakeKey(parent, node);
                break;
            case SourceMapping map:
                TakeValue(parent, map, node);
                break;
        }
        if (parent.Node.ExpandedSize > SourceDocumentReader.MaxExpandedNodes)
        {
            return Stop(at, parent.DisplayPath, sawAlias
                ? $"anchors and aliases expand to more than {SourceDocumentReader.MaxExpandedNodes} values; a manifest needs far fewer (is this an alias bomb?)"
                : $"the manifest holds more than {SourceDocumentReader.MaxExpandedNodes} values; a generator manifest needs far fewer");
        }
        return errors.Count < SourceDocumentReader.MaxErrors;
    }

    private void TakeKey(OpenCollection map, SourceNode key)
    {
        map.KeyPending = true;
        map.PendingKey = key as SourceScalar;
        map.DiscardValue = map.PendingKey is null;
        if (map.PendingKey is null)
            errors.Add(new(file, key.Line, key.Column, SourceDocumentReader.JoinPath(map.Path, "?"), $"a key is {key.Kind}; keys must be plain text"));
    }

    private void TakeValue(OpenCollection parent, SourceMapping map, SourceNode value)
    {
        var key = parent.PendingKey;
        parent.KeyPending = false;
        parent.PendingKey = null;
        if (parent.DiscardValue || key is null) return;
        if (parent.SeenKeys.TryGetValue(key.Text, out var first))
        {
            errors.Add(new(file, key.Line, key.Column, SourceDocumentReader.JoinPath(parent.Path, key.Text),
                $"duplicate key '{SourceDocumentReader.Shorten(key.Text)}' (first at line {first.Line}); a key may appear only once in a map"));
            return;
        }
        parent.SeenKeys.Add(key.Text, key);
        map.Add(key, value);
    }

    /// <summary>Records a problem after which nothing further can be trusted; always false.</summary>
    private bool Stop(Mark at, string keyPath, string message)
    {
        errors.Add(new(file, LineOf(at), ColumnOf(at), keyPath, message));
        return false;
    }

    internal static int LineOf(Mark m) => (int)Math.Clamp(m.Line, 1, int.MaxValue);

    internal static int ColumnOf(Mark m) => (int)Math.Clamp(m.Column, 1, int.MaxValue);
}
