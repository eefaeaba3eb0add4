using System.Text;

namespace Metagenerator.Oci.Text;

/// <summary>
/// Makes text that came from a registry or an image (labels, error messages) safe to print on a terminal: every control
/// character is written as an escape, so it can neither start an escape sequence (clear the screen, set the window
/// title, move the cursor and rewrite a line) nor break a line to forge one of ours.
/// </summary>
public static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with <c>\</c> as <c>\\</c>; newline, carriage return and tab as <c>\n</c>, <c>\r</c>, <c>\t</c>;
    /// every other C0 control, DEL and C1 control (ESC and CSI included) as <c>\xHH</c>; line and paragraph separators and
    /// bidirectional overrides as <c>\uHHHH</c>. Printable text, and any other Unicode, is left as it is.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length && !NeedsEscape(text[i])) i++;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c))
            {
                sb.Append(c);
                continue;
            }
            sb.Append(c switch
            {
                '\\' => @"\\",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                < '\u0100' => $"\\x{(int)c:x2}",
                _ => $"\\u{(int)c:x4}",
            });
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c == '\\' || char.IsControl(c) || c switch
    {
        '\u2028' or '\u2029' => true,                            // line and paragraph separators
        >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' => true, // bidirectional embeddings, overrides, isolates
        _ => false,
    };
}
