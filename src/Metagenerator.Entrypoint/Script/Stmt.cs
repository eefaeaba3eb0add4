namespace Metagenerator.Entrypoint.Script;

/// <summary>Short constructors that keep script step definitions readable.</summary>
internal static class Stmt
{
    public static LitExpr Str(string text) => new(text);

    public static RefExpr Ref(string name) => new(name);

    public static CatExpr Cat(params Expr[] parts) => new(parts);

    public static SetStep Set(string name, Expr value) => new(name, value);

    public static SetStep Set(string name, string literal) => new(name, new LitExpr(literal));

    public static IfStep If(Cond test, params Step[] then) => new(test, then, []);

    public static IfStep IfElse(Cond test, IReadOnlyList<Step> then, IReadOnlyList<Step> otherwise) => new(test, then, otherwise);

    public static CaseStep Case(Expr subject, params CaseArm[] arms) => new(subject, arms);

    public static CaseArm Arm(string patterns, params Step[] body) => new(patterns.Split('|'), body);

    public static ForEachStep ForEach(string variable, string list, params Step[] body) => new(variable, list, body);

    public static FailStep Fail(string variable, Expr message) => new(variable, message);

    public static FailStep Fail(string variable, string message) => new(variable, new LitExpr(message));

    public static SayStep Warn(Expr message) => new("warning", message);

    public static SayStep Note(Expr message) => new("note", message);

    public static NonEmptyCond NonEmpty(Expr value) => new(value);

    public static NonEmptyCond NonEmpty(string name) => new(new RefExpr(name));

    public static NotCond Empty(string name) => new(new NonEmptyCond(new RefExpr(name)));

    public static EqualCond Equal(string name, string literal) => new(new RefExpr(name), new LitExpr(literal));

    public static NotCond Not(Cond inner) => new(inner);

    public static AnyCond Any(params Cond[] items) => new(items);

    public static AllCond All(params Cond[] items) => new(items);

    public static MatchCond Matches(Expr value, string patterns) => new(value, patterns.Split('|'));

    public static HasWordCond HasWord(string list, Expr word) => new(list, word);

    /// <summary><c>name=${source:-fallback}</c>: the variable's value, or the fallback when it is unset or empty.</summary>
    public static IEnumerable<Step> OrDefault(string name, string source, string fallback) =>
        [Set(name, Ref(source)), If(Empty(name), Set(name, fallback))];

    /// <summary>Appends a word to a list variable (words are space-separated; every word is whitespace-free).</summary>
    public static SetStep Append(string list, Expr word) => Set(list, Cat(Ref(list), Str(" "), word));

    /// <summary><c>1</c> when the test holds, else empty (the script's booleans).</summary>
    public static IEnumerable<Step> Flag(string name, Cond test) => [Set(name, ""), If(test, Set(name, "1"))];
}
