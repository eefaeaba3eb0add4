namespace Metagenerator.Entrypoint.Script;

/// <summary>Turns arbitrary text into a POSIX shell single-quoted literal, the one quoting that interprets nothing.</summary>
public static class ShellQuote
{
    /// <summary><c>'text'</c> with each <c>'</c> written as <c>'\''</c>; throws for NUL, which no shell string can hold.</summary>
    public static string Literal(string text)
    {
        if (text.Contains('\0'))
            throw new ArgumentException("a value contains a NUL character, which a shell variable cannot hold", nameof(text));
        return "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
