using System.Text;

namespace Metagenerator.Cli;

/// <summary>Splits a flag string (EXTRA_FLAGS) into words the way a POSIX shell would, without any expansion.</summary>
/// <remarks>
/// Whitespace separates words; '…' is literal; "…" is literal except for backslash before
/// <c>" \ $ `</c>; a backslash outside quotes escapes the next character. Nothing is ever
/// executed or expanded: <c>$(…)</c> stays those bytes.
/// </remarks>
public static class ShellWords
{
    /// <summary>Splits <paramref name="text"/>; throws <see cref="FormatException"/> on an unterminated quote.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                    break;
                case '\'':
                    inWord = true;
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0) throw new FormatException($"unterminated single quote at character {i + 1}");
                    current.Append(text, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    for (i++; ; i++)
                    {
                        if (i >= text.Length) throw new FormatException("unterminated double quote");
                        if (text[i] == '"') break;
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                            i++;
                        current.Append(text[i]);
                    }
                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 < text.Length) current.Append(text[++i]);
                    break;
                default:
                    inWord = true;
                    current.Append(c);
                    break;
            }
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }
}
