using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Metagenerator.Manifest;

/// <summary>One problem found in a manifest, located by file, line, column and key path.</summary>
/// <param name="File">The manifest path as given by the caller.</param>
/// <param name="Line">1-based line (1 for problems with the file as a whole).</param>
/// <param name="Column">1-based column.</param>
/// <param name="KeyPath">Dotted key path from the generator name down (e.g. <c>gen.config.MODEL_REGISTRY</c>), or <c>(file)</c>/<c>(root)</c>.</param>
/// <param name="Message">What is wrong and what is allowed; one line.</param>
public sealed record ManifestError(string File, int Line, int Column, string KeyPath, string Message)
{
    /// <summary>Compiler-style one-liner: <c>FILE:LINE:COL: error: KEYPATH: MESSAGE</c>.</summary>
    /// <remarks>Line breaks and other control characters (possible in quoted YAML keys) are escaped, so each error stays on one line.</remarks>
    public override string ToString() => $"{OneLine(File)}:{Line}:{Column}: error: {OneLine(KeyPath)}: {OneLine(Message)}";

    private static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case var _ when char.IsControl(c): sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The errors as a JSON array of <c>{"file","line","column","keyPath","message"}</c> objects (for <c>--format json</c>).</summary>
    public static string ToJson(IReadOnlyList<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps non-ASCII paths and messages readable; the output is never embedded in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var e in errors)
            {
                writer.WriteStartObject();
                writer.WriteString("file", e.File);
                writer.WriteNumber("line", e.Line);
                writer.WriteNumber("column", e.Column);
                writer.WriteString("keyPath", e.KeyPath);
                writer.WriteString("message", e.Message);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
