using System.Text.RegularExpressions;

namespace Metagenerator.Entrypoint.Script;

/// <summary>The fixed parts of the generator script, kept as POSIX sh files (<c>Script/Shell/*.sh</c>, embedded in this
/// assembly) so that they are read, and checked by <c>sh -n</c> and shellcheck, as shell rather than as C# strings.</summary>
/// <remarks>A fragment's leading lines that start with <c>## </c> are notes on the file and are not rendered. A slot,
/// <c>@NAME@</c>, stands where the renderer puts text it makes (a single-quoted literal, a case pattern); it is a valid
/// shell word as it stands, so the file passes <c>sh -n</c> unfilled.</remarks>
internal static partial class ShellFragment
{
    /// <summary>The helper functions (<see cref="Mg.Fail"/>, <see cref="Mg.Run"/>, …).</summary>
    public const string Functions = "functions.sh";

    /// <summary>The handling of arguments: <c>help</c>/<c>--help</c>; slot <c>HELP_TEXT</c>.</summary>
    public const string Arguments = "arguments.sh";

    /// <summary>The end of the summary (EXTRA_FLAGS masked, the destination); slot <c>SECRET_WORD_PATTERNS</c>.</summary>
    public const string Summary = "summary.sh";

    /// <summary>The last line, after the builder's commands succeeded.</summary>
    public const string Finish = "finish.sh";

    /// <summary>Every fragment, in the order the script holds them.</summary>
    public static IReadOnlyList<string> All { get; } = [Functions, Arguments, Summary, Finish];

    private const string NotePrefix = "## ";

    /// <summary>The file as stored, notes included (what the tests give to <c>sh -n</c> and shellcheck).</summary>
    public static string Source(string name)
    {
        using var stream = typeof(ShellFragment).Assembly.GetManifestResourceStream(typeof(ShellFragment).Namespace + ".Shell." + name)
            ?? throw new InvalidOperationException($"the shell fragment {name} is not embedded in {typeof(ShellFragment).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The text that goes into the script: the notes dropped, each slot filled from <paramref name="slots"/>.</summary>
    /// <exception cref="InvalidOperationException">A slot of the file is not given, or a given one is not in the file.</exception>
    public static string Render(string name, IReadOnlyDictionary<string, string>? slots = null)
    {
        slots ??= new Dictionary<string, string>();
        var lines = Source(name).Split('\n');
        var body = string.Join('\n', lines.SkipWhile(l => l.StartsWith(NotePrefix, StringComparison.Ordinal)));
        var inFile = SlotPattern().Matches(body).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        if (!inFile.SetEquals(slots.Keys))
            throw new InvalidOperationException(
                $"the shell fragment {name} has slots [{string.Join(", ", inFile.Order())}] but was given [{string.Join(", ", slots.Keys.Order())}]");
        // One pass over the file: text put into a slot is never searched for slots itself.
        return SlotPattern().Replace(body, m => slots[m.Groups[1].Value]);
    }

    [GeneratedRegex("@([A-Z][A-Z_]*)@")]
    private static partial Regex SlotPattern();
}
