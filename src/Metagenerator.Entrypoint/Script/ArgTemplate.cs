namespace Metagenerator.Entrypoint.Script;

/// <summary>A piece of one argument: fixed text, or the value of a script variable.</summary>
internal abstract record ArgPart;

/// <summary>Fixed text, known when the script is rendered (manifest values, flag names).</summary>
internal sealed record LiteralPart(string Text) : ArgPart;

/// <summary>The value of a script variable, known only when the generator runs (environment, time).</summary>
/// <param name="Name">The shell variable name; the script only ever expands it inside double quotes.</param>
internal sealed record VariablePart(string Name) : ArgPart;

/// <summary>One item of a command template.</summary>
internal abstract record ArgItem;

/// <summary>Exactly one argument, the concatenation of its parts.</summary>
internal sealed record WordItem(IReadOnlyList<ArgPart> Parts) : ArgItem;

/// <summary>Items included only when the variable <paramref name="Variable"/> is non-empty.</summary>
internal sealed record WhenSetItem(string Variable, IReadOnlyList<ArgItem> Items) : ArgItem;

/// <summary>A list of arguments held in a script variable as whitespace-free words separated by spaces (EXTRA_FLAGS words).</summary>
internal sealed record SpliceItem(string ListVariable) : ArgItem;

/// <summary>One builder command: its program and arguments, with variables for runtime values.</summary>
/// <param name="Label">What the command does, for messages ("kaniko executor").</param>
/// <param name="Program">The default program path or name (argv[0]).</param>
/// <param name="ProgramOverride">An environment variable that, when set, replaces the program path (for stand-ins), or null.</param>
/// <param name="Condition">Run only when this script variable is non-empty, or always when null.</param>
/// <param name="RetryVariable">A script variable holding how many times to re-run the whole command on failure, or null.</param>
/// <param name="Items">The arguments after argv[0].</param>
/// <param name="Optional">When true, a failure is reported as a warning and the script goes on (a cache warm-up).</param>
internal sealed record CommandTemplate(
    string Label,
    string Program,
    string? ProgramOverride,
    string? Condition,
    string? RetryVariable,
    IReadOnlyList<ArgItem> Items,
    bool Optional = false);

/// <summary>Small constructors that keep builder definitions readable.</summary>
internal static class Arg
{
    /// <summary>A literal argument.</summary>
    public static WordItem Lit(string text) => new([new LiteralPart(text)]);

    /// <summary>An argument that is exactly the value of a variable.</summary>
    public static WordItem Var(string name) => new([new VariablePart(name)]);

    /// <summary>An argument concatenated from literal strings and <see cref="VariablePart"/>s.</summary>
    public static WordItem Concat(params ArgPart[] parts) => new(parts);

    /// <summary>A literal part.</summary>
    public static LiteralPart L(string text) => new(text);

    /// <summary>A variable part.</summary>
    public static VariablePart V(string name) => new(name);

    /// <summary>Items included only when <paramref name="variable"/> is non-empty.</summary>
    public static WhenSetItem When(string variable, params ArgItem[] items) => new(variable, items);

    /// <summary>The words of a list variable.</summary>
    public static SpliceItem Splice(string listVariable) => new(listVariable);
}
