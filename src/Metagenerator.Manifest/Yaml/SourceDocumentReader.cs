using System.Buffers;
using System.Text;
using System.Text.Unicode;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Metagenerator.Manifest.Yaml;

/// <summary>
/// Turns manifest bytes into a <see cref="SourceNode"/> tree with positions, using YamlDotNet's event parser only
/// (no reflection). Structural YAML problems become <see cref="ManifestError"/>s:
/// duplicate keys (at the second occurrence; the first is kept), non-text keys, aliases to unknown anchors,
/// more than one document, too deep nesting, and alias expansion past <see cref="MaxExpandedNodes"/>.
/// </summary>
/// <remarks>
/// Aliases are resolved by sharing the anchored node, so memory stays proportional to the file. Every node
/// knows its expanded size, so an alias bomb ("billion laughs") is caught after a handful of nodes, at the
/// alias that pushes the total past the cap, long before anything is expanded.
/// </remarks>
internal static class SourceDocumentReader
{
    /// <summary>A manifest is a few kilobytes; anything past this is a mistake (or an attack).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Maps and lists nested deeper than this are rejected (real manifests use 4 levels).</summary>
    public const int MaxDepth = 64;

    /// <summary>Cap on the node count once aliases are expanded (real manifests have about a hundred).</summary>
    public const long MaxExpandedNodes = 100_000;

    /// <summary>Reading stops after this many problems: nobody reads more, and it bounds the work on hostile input.</summary>
    public const int MaxErrors = 100;

    /// <summary>Decodes and parses; returns the root node, or null when a fatal problem was added to <paramref name="errors"/>.</summary>
    public static SourceNode? Read(ReadOnlyMemory<byte> bytes, string file, List<ManifestError> errors)
    {
        var text = Decode(bytes.Span, file, errors);
        return text is null ? null : Parse(text, file, errors);
    }

    /// <summary>UTF-8 (with or without BOM) or UTF-16 with BOM, strictly; invalid bytes are an error with their line.</summary>
    internal static string? Decode(ReadOnlySpan<byte> bytes, string file, List<ManifestError> errors)
    {
        if (bytes.Length > MaxBytes)
        {
            errors.Add(new(file, 1, 1, "(file)", $"the file is {bytes.Length} bytes; a generator manifest may be at most {MaxBytes} bytes"));
            return null;
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var bigEndian = bytes[0] == 0xFE;
            try
            {
                return new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes[2..]);
            }
            catch (DecoderFallbackException)
            {
                errors.Add(new(file, 1, 1, "(file)", "the file starts with a UTF-16 byte order mark but is not valid UTF-16; save it as UTF-8"));
                return null;
            }
        }

        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                var (line, column) = Locate(chars.AsSpan(0, charsWritten));
                errors.Add(new(file, line, column, "(file)", $"byte 0x{bytes[bytesRead]:X2} at offset {bytesRead} is not valid UTF-8; save the manifest as UTF-8"));
                return null;
            }
            return new string(chars, 0, charsWritten);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Line and column just after the given text.</summary>
    private static (int Line, int Column) Locate(ReadOnlySpan<char> before)
    {
        var line = 1 + before.Count('\n');
        var lastBreak = before.LastIndexOf('\n');
        return (line, before.Length - lastBreak);
    }

    private sealed class Frame(SourceNode node, string path, string? anchor, bool flow)
    {
        public bool Flow { get; } = flow;
        public SourceNode Node { get; } = node;
        public string Path { get; } = path;
        public string? Anchor { get; } = anchor;
        public SourceScalar? PendingKey { get; set; }
        public bool KeyPending { get; set; }
        public bool DiscardValue { get; set; }
        public Dictionary<string, SourceScalar> SeenKeys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Raised inside the reader to stop at a problem after which nothing further can be trusted.</summary>
    private sealed class FatalProblem(int line, int column, string keyPath, string message) : Exception(message)
    {
        public int Line { get; } = line;
        public int Column { get; } = column;
        public string KeyPath { get; } = keyPath;
    }

    /// <summary>Raised inside the reader when <see cref="MaxErrors"/> problems have been found.</summary>
    private sealed class TooManyErrors : Exception;

    internal static SourceNode? Parse(string text, string file, List<ManifestError> errors)
    {
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new Parser(scanner);
        var stack = new Stack<Frame>();
        var anchors = new Dictionary<string, SourceNode>(StringComparer.Ordinal);
        SourceNode? root = null;
        var documents = 0;
        var aliases = 0;

        string CurrentPath()
        {
            if (stack.Count == 0) return "(root)";
            var top = stack.Peek();
            // Between entries of a map the problem belongs to the map itself.
            if (top.Node is SourceMapping && !top.KeyPending) return top.Path.Length == 0 ? "(root)" : top.Path;
            return ChildPath(top);
        }

        void Attach(SourceNode node, Mark at)
        {
            if (stack.Count == 0)
            {
                root = node;
                return;
            }
            var top = stack.Peek();
            switch (top.Node)
            {
                case SourceSequence seq:
                    seq.Add(node);
                    break;
                case SourceMapping map when !top.KeyPending:
                    top.KeyPending = true;
                    if (node is SourceScalar key)
                    {
                        top.PendingKey = key;
                        top.DiscardValue = false;
                    }
                    else
                    {
                        errors.Add(new(file, node.Line, node.Column, JoinPath(top.Path, "?"),
                            $"a key is {node.Kind}; keys must be plain text"));
                        top.PendingKey = null;
                        top.DiscardValue = true;
                    }
                    break;
                case SourceMapping map:
                    var pending = top.PendingKey;
                    top.KeyPending = false;
                    top.PendingKey = null;
                    if (top.DiscardValue || pending is null) break;
                    if (top.SeenKeys.TryGetValue(pending.Text, out var first))
                    {
                        errors.Add(new(file, pending.Line, pending.Column, JoinPath(top.Path, pending.Text),
                            $"duplicate key '{Shorten(pending.Text)}' (first at line {first.Line}); a key may appear only once in a map"));
                        break;
                    }
                    top.SeenKeys.Add(pending.Text, pending);
                    map.Add(pending, node);
                    break;
            }
            if (top.Node.ExpandedSize > MaxExpandedNodes)
            {
                throw new FatalProblem(LineOf(at), ColumnOf(at), top.Path.Length == 0 ? "(root)" : top.Path, aliases > 0
                    ? $"anchors and aliases expand to more than {MaxExpandedNodes} values; a manifest needs far fewer (is this an alias bomb?)"
                    : $"the manifest holds more than {MaxExpandedNodes} values; a generator manifest needs far fewer");
            }
            if (errors.Count >= MaxErrors) throw new TooManyErrors();
        }

        void Push(SourceNode node, string? anchor, bool flow, Mark at)
        {
            if (stack.Count >= MaxDepth)
                throw new FatalProblem(LineOf(at), ColumnOf(at), CurrentPath(), $"maps and lists are nested more than {MaxDepth} levels deep");
            var path = stack.Count == 0 ? "" : ChildPath(stack.Peek());
            stack.Push(new Frame(node, path, anchor, flow));
        }

        void Pop(Mark at)
        {
            var frame = stack.Pop();
            if (frame.Anchor is not null) anchors[frame.Anchor] = frame.Node;
            Attach(frame.Node, at);
        }

        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                switch (ev)
                {
                    case DocumentStart:
                        documents++;
                        if (documents > 1)
                        {
                            throw new FatalProblem(LineOf(ev.Start), ColumnOf(ev.Start), "(root)",
                                "a second YAML document starts here; a manifest holds exactly one document (remove this '---' and what follows, or merge it into the first)");
                        }
                        break;
                    case Scalar s:
                    {
                        var node = new SourceScalar(s.Value, s.Style, LineOf(s.Start), ColumnOf(s.Start));
                        if (!s.Anchor.IsEmpty) anchors[s.Anchor.Value] = node;
                        Attach(node, s.Start);
                        break;
                    }
                    case AnchorAlias alias:
                        aliases++;
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            throw new FatalProblem(LineOf(alias.Start), ColumnOf(alias.Start), CurrentPath(),
                                $"alias '*{Shorten(alias.Value.Value)}' names no anchor defined before it (an alias can only repeat an earlier, complete '&{Shorten(alias.Value.Value)}' node)");
                        }
                        Attach(target, alias.Start);
                        break;
                    case MappingStart m:
                        Push(new SourceMapping(LineOf(m.Start), ColumnOf(m.Start)), m.Anchor.IsEmpty ? null : m.Anchor.Value, m.Style == MappingStyle.Flow, m.Start);
                        break;
                    case SequenceStart q:
                        Push(new SourceSequence(LineOf(q.Start), ColumnOf(q.Start)), q.Anchor.IsEmpty ? null : q.Anchor.Value, q.Style == SequenceStyle.Flow, q.Start);
                        break;
                    case MappingEnd or SequenceEnd:
                        Pop(ev.Start);
                        break;
                }
            }
        }
        catch (TooManyErrors)
        {
            return null;
        }
        catch (FatalProblem p)
        {
            errors.Add(new(file, p.Line, p.Column, p.KeyPath, p.Message));
            return null;
        }
        catch (YamlException e)
        {
            errors.Add(SyntaxError(text, file, stack, CurrentPath(), LineOf(e.Start), ColumnOf(e.Start), e.Message));
            return null;
        }
        catch (Exception)
        {
            // YamlDotNet throws plain exceptions for some malformed input (e.g. an unclosed '[');
            // the scanner's position is where it gave up.
            var at = scanner.CurrentPosition;
            errors.Add(SyntaxError(text, file, stack, CurrentPath(), LineOf(at), ColumnOf(at),
                "the YAML parser could not continue here; check for an unclosed '[', '{' or quote before this point"));
            return null;
        }

        if (root is null)
        {
            errors.Add(new(file, 1, 1, "(root)", "the manifest is empty; it needs one top-level key, the generator name, holding version and config"));
        }
        return root;
    }

    /// <summary>A YAML syntax error, with a precise hint when a tab is used for indentation.</summary>
    private static ManifestError SyntaxError(string text, string file, Stack<Frame> stack, string path, int line, int column, string message)
    {
        var lines = text.Split('\n');
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) || LeadingTabColumn(lines, line) > 0)
        {
            // YamlDotNet may report the enclosing mapping; point at the first tab-indented line from there.
            for (var i = Math.Max(0, line - 1); i < lines.Length; i++)
            {
                var tab = LeadingTabColumn(lines, i + 1);
                if (tab > 0)
                {
                    return new(file, i + 1, tab, path,
                        "a tab is used for indentation; YAML allows only spaces there: replace the tab with spaces");
                }
            }
        }
        var text1 = message.Trim().TrimEnd('.');
        if (text1.Length > 0) text1 = char.ToLowerInvariant(text1[0]) + text1[1..];
        // Inside '[...]' or '{...}' the parser only notices a problem at the end; say where the bracket opened.
        var flow = stack.FirstOrDefault(f => f.Flow);
        if (flow is not null)
        {
            var bracket = flow.Node is SourceSequence ? '[' : '{';
            return new(file, line, column, flow.Path.Length == 0 ? "(root)" : flow.Path,
                $"invalid YAML: {text1} (inside the '{bracket}' opened at line {flow.Node.Line}, column {flow.Node.Column}; is it closed?)");
        }
        if (text1.Contains("did not find expected key", StringComparison.Ordinal)) text1 += "; check this line's indentation (keys of one map line up exactly)";
        return new(file, line, column, path, $"invalid YAML: {text1}");
    }

    /// <summary>1-based column of a tab in the line's leading whitespace, or 0.</summary>
    private static int LeadingTabColumn(string[] lines, int line)
    {
        if (line < 1 || line > lines.Length) return 0;
        var l = lines[line - 1];
        for (var i = 0; i < l.Length && (l[i] == ' ' || l[i] == '\t'); i++)
            if (l[i] == '\t') return i + 1;
        return 0;
    }

    private static string ChildPath(Frame parent) => parent.Node switch
    {
        SourceSequence seq => $"{(parent.Path.Length == 0 ? "(root)" : parent.Path)}[{seq.Items.Count}]",
        _ when parent.KeyPending && parent.PendingKey is { } key => JoinPath(parent.Path, key.Text),
        _ when parent.KeyPending => JoinPath(parent.Path, "?"),
        _ => JoinPath(parent.Path, "?"),
    };

    internal static string JoinPath(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    /// <summary>Keeps messages one readable line: long values are cut, line breaks shown as \n.</summary>
    internal static string Shorten(string value)
    {
        var v = value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return v.Length <= 60 ? v : v[..57] + "...";
    }

    private static int LineOf(Mark m) => (int)Math.Clamp(m.Line, 1, int.MaxValue);

    private static int ColumnOf(Mark m) => (int)Math.Clamp(m.Column, 1, int.MaxValue);
}
