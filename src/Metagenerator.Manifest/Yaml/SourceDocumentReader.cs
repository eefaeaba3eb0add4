using System.Buffers;
using System.Diagnostics.CodeAnalysis;
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

    /// <summary>Parses decoded text; returns the root node, or null when a problem that stops reading was added to <paramref name="errors"/>.</summary>
    internal static SourceNode? Parse(string text, string file, List<ManifestError> errors)
    {
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new Parser(scanner);
        var tree = new SourceTreeBuilder(file, errors);
        while (true)
        {
            if (!TryNextEvent(parser, scanner, out var ev, out var failure))
            {
                errors.Add(SyntaxError(text, file, tree, failure.Value.At, failure.Value.Message));
                return null;
            }
            if (ev is null) break;
            if (!tree.Accept(ev)) return null;
        }
        if (tree.Root is null)
        {
            errors.Add(new(file, 1, 1, "(root)", "the manifest is empty; it needs one top-level key, the generator name, holding version and config"));
        }
        return tree.Root;
    }

    /// <summary>The parser's next event (null at the end), or where and why the YAML is malformed.</summary>
    private static bool TryNextEvent(Parser parser, Scanner scanner, out ParsingEvent? ev, [NotNullWhen(false)] out (Mark At, string Message)? failure)
    {
        ev = null;
        failure = null;
        try
        {
            if (parser.MoveNext()) ev = parser.Current;
            return true;
        }
        catch (YamlException e)
        {
            failure = (e.Start, e.Message);
            return false;
        }
        catch (Exception)
        {
            // YamlDotNet throws plain exceptions for some malformed input (e.g. an unclosed '['); only the parser's
            // own call is guarded, so a fault in our code is never mistaken for bad YAML.
            // The scanner's position is where it gave up.
            failure = (scanner.CurrentPosition, "the YAML parser could not continue here; check for an unclosed '[', '{' or quote before this point");
            return false;
        }
    }

    /// <summary>A YAML syntax error, with a precise hint when a tab is used for indentation.</summary>
    private static ManifestError SyntaxError(string text, string file, SourceTreeBuilder tree, Mark at, string message)
    {
        var (line, column, path) = (SourceTreeBuilder.LineOf(at), SourceTreeBuilder.ColumnOf(at), tree.CurrentPath);
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
        if (tree.InnermostFlow is { } flow)
        {
            var bracket = flow.Node is SourceSequence ? '[' : '{';
            return new(file, line, column, flow.DisplayPath,
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

    internal static string JoinPath(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    /// <summary>Keeps messages one readable line: long values are cut, line breaks shown as \n.</summary>
    internal static string Shorten(string value)
    {
        var v = value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return v.Length <= 60 ? v : v[..57] + "...";
    }
}
