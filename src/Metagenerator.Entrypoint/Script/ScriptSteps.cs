namespace Metagenerator.Entrypoint.Script;

// The generator script's first half (input checks, EXTRA_FLAGS scan, each builder's derived values) as data. ScriptRenderer
// writes it as POSIX sh; StepEvaluator carries it out in C# for the tests' oracle. Every variable is a string, as in
// the shell; a list is a string of whitespace-free words separated by spaces.

/// <summary>A value: the text of a shell word.</summary>
internal abstract record Expr;

/// <summary>Fixed text (single-quoted in the script).</summary>
internal sealed record LitExpr(string Text) : Expr;

/// <summary>The value of a variable, empty when unset (<c>"${name-}"</c>).</summary>
internal sealed record RefExpr(string Name) : Expr;

/// <summary>The concatenation of its parts.</summary>
internal sealed record CatExpr(IReadOnlyList<Expr> Parts) : Expr;

/// <summary>A variable's value with the shortest (or longest) match of a glob removed from its start or end
/// (<c>${v#p}</c>, <c>${v##p}</c>, <c>${v%p}</c>, <c>${v%%p}</c>).</summary>
internal sealed record StripExpr(string Name, string Pattern, bool FromEnd, bool Longest) : Expr;

/// <summary>The numeric user id the script runs as (<c>"$(id -u)"</c>).</summary>
internal sealed record UserIdExpr : Expr;

/// <summary>A test.</summary>
internal abstract record Cond;

/// <summary>The variable is set, possibly to the empty string (<c>${name+x}</c>).</summary>
internal sealed record IsSetCond(string Name) : Cond;

/// <summary>The value is non-empty.</summary>
internal sealed record NonEmptyCond(Expr Value) : Cond;

/// <summary>Two values are equal.</summary>
internal sealed record EqualCond(Expr Left, Expr Right) : Cond;

/// <summary>A variable's value is longer than <paramref name="Length"/> characters.</summary>
internal sealed record LongerCond(string Name, int Length) : Cond;

/// <summary>The whitespace-separated words of <paramref name="List"/> include <paramref name="Word"/>.</summary>
internal sealed record HasWordCond(string List, Expr Word) : Cond;

/// <summary>The value matches one of the globs (a <c>case</c> pattern).</summary>
internal sealed record MatchCond(Expr Value, IReadOnlyList<string> Patterns) : Cond;

/// <summary>Negation.</summary>
internal sealed record NotCond(Cond Inner) : Cond;

/// <summary>Any of the tests holds (evaluated left to right).</summary>
internal sealed record AnyCond(IReadOnlyList<Cond> Items) : Cond;

/// <summary>All of the tests hold (evaluated left to right).</summary>
internal sealed record AllCond(IReadOnlyList<Cond> Items) : Cond;

/// <summary>What the script asks of the machine it runs on.</summary>
internal enum HostQuestion
{
    /// <summary><c>[ -f PATH ]</c>.</summary>
    RegularFile,

    /// <summary><c>[ -S PATH ]</c>.</summary>
    Socket,

    /// <summary>PATH is a mount point: it is listed in <c>/proc/self/mountinfo</c>.</summary>
    MountPoint,

    /// <summary><c>[ -r PATH ]</c>: the script's user can read it.</summary>
    Readable,

    /// <summary>rootlesskit (named by PATH) can start a child in a new user namespace here, or is not needed (the script runs as
    /// root, or PATH is not installed).</summary>
    RootlessKitStarts,
}

/// <summary>A question about the machine (a file, a socket, a mount point).</summary>
internal sealed record HostCond(HostQuestion Question, Expr Path) : Cond;

/// <summary>One statement.</summary>
internal abstract record Step;

/// <summary><c>name=value</c>.</summary>
internal sealed record SetStep(string Name, Expr Value) : Step;

/// <summary><c>unset name</c>.</summary>
internal sealed record UnsetStep(string Name) : Step;

/// <summary><c>export name</c>: the builder sees the variable in its environment.</summary>
internal sealed record ExportStep(string Name) : Step;

/// <summary><c>if … then … else … fi</c>.</summary>
internal sealed record IfStep(Cond Test, IReadOnlyList<Step> Then, IReadOnlyList<Step> Else) : Step;

/// <summary><c>case VALUE in PATTERNS) … ;; esac</c>: the first arm whose glob matches runs.</summary>
internal sealed record CaseStep(Expr Subject, IReadOnlyList<CaseArm> Arms) : Step;

/// <summary>One arm of a <see cref="CaseStep"/>.</summary>
internal sealed record CaseArm(IReadOnlyList<string> Patterns, IReadOnlyList<Step> Body);

/// <summary><c>for VAR in $LIST; do … done</c> over the whitespace-separated words of a variable (globbing is off).</summary>
internal sealed record ForEachStep(string Variable, string List, IReadOnlyList<Step> Body) : Step;

/// <summary>Stops the run before any build: <c>generator: error: MESSAGE</c>, exit 2.</summary>
/// <param name="Variable">The input the message is about (for the C# exception).</param>
/// <param name="Message">The message.</param>
internal sealed record FailStep(string Variable, Expr Message) : Step;

/// <summary>Prints <c>generator: KIND: MESSAGE</c> on stderr and goes on.</summary>
internal sealed record SayStep(string Kind, Expr Message) : Step;

/// <summary>Writes a file (a builder's configuration); a failure stops the run.</summary>
internal sealed record WriteFileStep(Expr Path, Expr Content) : Step;

/// <summary>Runs a command with its output discarded and keeps its exit status in a variable (a capability check).</summary>
internal sealed record ProbeStep(string StatusVariable, IReadOnlyList<string> Argv) : Step;

/// <summary>Sets a variable to the current UTC time, <c>YYYY-MM-DDTHH:MM:SS+00:00</c> (the original's <c>date -u -Iseconds</c>).</summary>
internal sealed record NowStep(string Name) : Step;
