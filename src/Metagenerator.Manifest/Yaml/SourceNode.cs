using YamlDotNet.Core;

namespace Metagenerator.Manifest.Yaml;

/// <summary>A YAML node with where it starts; aliases are resolved to the node they name (shared, not copied).</summary>
internal abstract class SourceNode(int line, int column)
{
    /// <summary>1-based line of the node's first character.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column of the node's first character.</summary>
    public int Column { get; } = column;

    /// <summary>How many nodes this node stands for once every alias below it is expanded (saturating).</summary>
    public abstract long ExpandedSize { get; }

    /// <summary>A short noun for messages: "a map", "a list", "text".</summary>
    public abstract string Kind { get; }
}

/// <summary>A scalar, with its text exactly as the YAML gives it (quotes removed, nothing converted).</summary>
internal sealed class SourceScalar(string text, ScalarStyle style, int line, int column) : SourceNode(line, column)
{
    /// <summary>The scalar's value text: <c>042</c> stays <c>042</c>, <c>"x"</c> is <c>x</c>.</summary>
    public string Text { get; } = text;

    /// <summary>How it was written (plain, quoted, block).</summary>
    public ScalarStyle Style { get; } = style;

    /// <summary>True for a plain empty value, <c>~</c> or <c>null</c>: YAML's null, which we read as "nothing here" only where a section is expected.</summary>
    public bool IsNullLike => Style == ScalarStyle.Plain && Text is "" or "~" or "null" or "Null" or "NULL";

    public override long ExpandedSize => 1;

    public override string Kind => "a single value";
}

/// <summary>A map, entries in source order.</summary>
internal sealed class SourceMapping(int line, int column) : SourceNode(line, column)
{
    private long size = 1;

    /// <summary>The entries in source order (duplicate keys already removed, first one kept).</summary>
    public List<KeyValuePair<SourceScalar, SourceNode>> Entries { get; } = [];

    public override long ExpandedSize => size;

    public override string Kind => "a map";

    public void Add(SourceScalar key, SourceNode value)
    {
        Entries.Add(new(key, value));
        size = SaturatingAdd(size, 1 + value.ExpandedSize);
    }

    /// <summary>The entry with this key, or null.</summary>
    public KeyValuePair<SourceScalar, SourceNode>? Find(string key)
    {
        foreach (var e in Entries)
            if (e.Key.Text == key) return e;
        return null;
    }

    internal static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}

/// <summary>A list, items in source order.</summary>
internal sealed class SourceSequence(int line, int column) : SourceNode(line, column)
{
    private long size = 1;

    /// <summary>The items in source order.</summary>
    public List<SourceNode> Items { get; } = [];

    public override long ExpandedSize => size;

    public override string Kind => "a list";

    public void Add(SourceNode item)
    {
        Items.Add(item);
        size = SourceMapping.SaturatingAdd(size, item.ExpandedSize);
    }
}
