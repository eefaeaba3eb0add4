using System.Text;

namespace Metagenerator.Entrypoint.Script;

/// <summary>Writes POSIX sh text. Values only ever appear as single-quoted literals or as double-quoted variable expansions.</summary>
internal sealed class ShellWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Appends one line at the current indentation (trusted shell code written by this project).</summary>
    public ShellWriter Line(string code = "")
    {
        if (code.Length > 0) _text.Append(' ', _indent * 2).Append(code);
        _text.Append('\n');
        return this;
    }

    /// <summary>Appends a fixed part of the script (<see cref="ShellFragment"/>) as it stands; only at the top level.</summary>
    public ShellWriter Fragment(string text)
    {
        if (_indent != 0) throw new InvalidOperationException("a shell fragment is written at the top level only");
        if (!text.EndsWith('\n')) throw new ArgumentException("a shell fragment ends with a newline", nameof(text));
        _text.Append(text);
        return this;
    }

    /// <summary>Runs <paramref name="body"/> one level deeper.</summary>
    public ShellWriter Indented(Action body)
    {
        _indent++;
        try { body(); }
        finally { _indent--; }
        return this;
    }

    /// <summary>A comment line; newlines in <paramref name="text"/> are flattened so it cannot end the comment.</summary>
    public ShellWriter Comment(string text) =>
        Line("# " + text.Replace('\n', ' ').Replace('\r', ' '));

    /// <summary>Prints <paramref name="text"/> (any bytes) plus a newline to standard output.</summary>
    public ShellWriter Print(string text) => Line("printf '%s\\n' " + ShellQuote.Literal(text));

    /// <summary>The shell word for one template word: literal parts single-quoted, variables as <c>"${name}"</c>.</summary>
    public static string Word(WordItem word)
    {
        // Adjacent literals merge and empty ones vanish, so the script reads '--label=x' rather than '--label=''x'.
        var parts = new List<ArgPart>();
        foreach (var part in word.Parts)
        {
            if (part is LiteralPart { Text.Length: 0 }) continue;
            if (part is LiteralPart next && parts.Count > 0 && parts[^1] is LiteralPart previous)
                parts[^1] = new LiteralPart(previous.Text + next.Text);
            else
                parts.Add(part);
        }
        if (parts.Count == 0) return "''";
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            switch (part)
            {
                case LiteralPart l:
                    sb.Append(ShellQuote.Literal(l.Text));
                    break;
                case VariablePart v:
                    ScriptNames.RequireShellName(v.Name);
                    sb.Append("\"${").Append(v.Name).Append("}\"");
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Builds the argv of <paramref name="command"/> in the positional parameters and runs it through <c>mg_run</c>.</summary>
    public ShellWriter Command(CommandTemplate command)
    {
        Comment(command.Label);
        if (command.Condition is not null)
        {
            ScriptNames.RequireShellName(command.Condition);
            Line($"if [ -n \"${{{command.Condition}}}\" ]; then");
            _indent++;
        }
        if (command.ProgramOverride is not null)
        {
            ScriptNames.RequireShellName(command.ProgramOverride);
            // Not ":-" on a quoted literal inside "${...}" (unportable quoting); a separate assignment instead.
            Line($"{Mg.Program}=\"${{{command.ProgramOverride}-}}\"");
            Line($"[ -n \"${Mg.Program}\" ] || {Mg.Program}={ShellQuote.Literal(command.Program)}");
            Line($"set -- \"${Mg.Program}\"");
        }
        else
        {
            Line("set -- " + ShellQuote.Literal(command.Program));
        }
        Items(command.Items);
        var retry = command.RetryVariable is null ? "0" : $"\"${{{command.RetryVariable}}}\"";
        // An optional step's failure is a warning (mg_run says so) and the script goes on; any other ends the run.
        if (command.Optional)
            Line($"{Mg.Run} {ShellQuote.Literal(command.Label)} {retry} warning \"$@\" || :");
        else
            Line($"{Mg.Run} {ShellQuote.Literal(command.Label)} {retry} error \"$@\" || exit $?");
        if (command.Condition is not null)
        {
            _indent--;
            Line("fi");
        }
        return this;
    }

    private void Items(IReadOnlyList<ArgItem> items)
    {
        var pending = new List<string>();
        void Flush()
        {
            if (pending.Count == 0) return;
            Line("set -- \"$@\" " + string.Join(' ', pending));
            pending.Clear();
        }
        foreach (var item in items)
        {
            switch (item)
            {
                case WordItem word:
                    pending.Add(Word(word));
                    if (pending.Count == 2) Flush();
                    break;
                case WhenSetItem conditional:
                    Flush();
                    ScriptNames.RequireShellName(conditional.Variable);
                    Line($"if [ -n \"${{{conditional.Variable}}}\" ]; then");
                    Indented(() => Items(conditional.Items));
                    Line("fi");
                    break;
                case SpliceItem splice:
                    Flush();
                    ScriptNames.RequireShellName(splice.ListVariable);
                    // Unquoted on purpose: the list holds whitespace-free words; globbing is off (set -f).
                    Line($"set -- \"$@\" ${{{splice.ListVariable}}}");
                    break;
            }
        }
        Flush();
    }

    /// <inheritdoc/>
    public override string ToString() => _text.ToString();
}
