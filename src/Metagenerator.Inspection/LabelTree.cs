namespace Metagenerator.Inspection;

/// <summary>Image labels turned into nested maps the way the Model API does it: keys split on <c>.</c>, values kept as text.</summary>
/// <remarks>
/// A mirror of the Model API server's <c>convert_to_nested_dict</c> (controllers/util.py): every key part is trimmed; when a
/// key needs a map where a value already stands (<c>a=A</c> then <c>a.b=B</c>), or a value where a map stands, the value
/// moves to the subkey <c>_value</c> of that map. Entries keep the order the labels came in.
/// </remarks>
public sealed class LabelTree : LabelNode
{
    /// <summary>The subkey a value moves to when its key is also a map.</summary>
    public const string ConflictKey = "_value";

    private readonly OrderedDictionary<string, LabelNode> _entries = new(StringComparer.Ordinal);

    /// <summary>The entries, in label order.</summary>
    public IEnumerable<KeyValuePair<string, LabelNode>> Entries => _entries;

    /// <summary>The number of entries at this level.</summary>
    public int Count => _entries.Count;

    /// <summary>Builds the tree of <paramref name="labels"/> (in their order).</summary>
    public static LabelTree FromLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var root = new LabelTree();
        foreach (var (key, value) in labels)
        {
            var parts = key.Split('.');
            var node = root;
            foreach (var part in parts[..^1].Select(p => p.Trim()))
            {
                if (!node._entries.TryGetValue(part, out var child))
                {
                    child = new LabelTree();
                    node._entries[part] = child;
                }
                else if (child is LabelText text)
                {
                    var moved = new LabelTree();
                    moved._entries[ConflictKey] = text;
                    node._entries[part] = child = moved;
                }
                node = (LabelTree)child;
            }
            var final = parts[^1].Trim();
            // The server would fail on a repeated final key holding text (only keys differing in surrounding blanks can
            // do that); the last value wins here.
            if (node._entries.TryGetValue(final, out var existing) && existing is LabelTree map) map._entries[ConflictKey] = new LabelText(value);
            else node._entries[final] = new LabelText(value);
        }
        return root;
    }

    /// <summary>The node under <paramref name="key"/>, or null.</summary>
    public LabelNode? this[string key] => _entries.TryGetValue(key, out var node) ? node : null;

    /// <summary>The map reached through <paramref name="path"/>, or null when a part is missing or is a value.</summary>
    public LabelTree? Find(params string[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = this;
        foreach (var part in path)
            if (node[part] is LabelTree child) node = child;
            else return null;
        return node;
    }

    /// <summary>The text under <paramref name="key"/> (a map's <see cref="ConflictKey"/> value counts), or null.</summary>
    public string? Text(string key) => this[key] switch
    {
        LabelText text => text.Text,
        LabelTree tree => (tree[ConflictKey] as LabelText)?.Text,
        _ => null,
    };

    /// <summary>This level without the entries named <paramref name="keys"/>.</summary>
    public LabelTree Without(params string[] keys)
    {
        var copy = new LabelTree();
        foreach (var (key, node) in _entries)
            if (!keys.Contains(key, StringComparer.Ordinal)) copy._entries[key] = node;
        return copy;
    }

    /// <summary>Every value below this level, as dotted keys relative to it (<c>CONFIG_FILE.info</c>), in label order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Flatten()
    {
        var result = new List<KeyValuePair<string, string>>();
        Flatten("", result);
        return result;
    }

    private void Flatten(string prefix, List<KeyValuePair<string, string>> result)
    {
        foreach (var (key, node) in _entries)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (node is LabelText text) result.Add(new(path, text.Text));
            else ((LabelTree)node).Flatten(path, result);
        }
    }
}
