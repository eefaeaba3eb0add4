namespace Metagenerator.Entrypoint.Script;

/// <summary>Writes script steps as POSIX sh: values only as single-quoted literals or double-quoted expansions.</summary>
internal static class ScriptRenderer
{
    /// <summary>Writes <paramref name="steps"/> at the writer's indentation.</summary>
    public static void Write(ShellWriter w, IEnumerable<Step> steps)
    {
        foreach (var step in steps) Write(w, step);
    }

    private static void Write(ShellWriter w, Step step)
    {
        switch (step)
        {
            case SetStep s:
                w.Line($"{Name(s.Name)}={Value(s.Value)}");
                break;
            case UnsetStep u:
                w.Line($"unset {Name(u.Name)}");
                break;
            case ExportStep e:
                w.Line($"export {Name(e.Name)}");
                break;
            case IfStep i:
                w.Line($"if {Test(i.Test)}; then");
                Body(w, i.Then);
                if (i.Else.Count > 0)
                {
                    w.Line("else");
                    Body(w, i.Else);
                }
                w.Line("fi");
                break;
            case CaseStep c:
                w.Line($"case {Value(c.Subject)} in");
                w.Indented(() =>
                {
                    foreach (var arm in c.Arms)
                    {
                        w.Line(Patterns(arm.Patterns) + ")");
                        Body(w, arm.Body);
                        w.Line("  ;;");
                    }
                });
                w.Line("esac");
                break;
            case ForEachStep f:
                // Unquoted on purpose: the list holds whitespace-free words; globbing is off (set -f).
                w.Line($"for {Name(f.Variable)} in ${{{Name(f.List)}}}; do");
                Body(w, f.Body);
                w.Line("done");
                break;
            case FailStep f:
                w.Line($"{Mg.Fail} {Value(f.Message)}");
                break;
            case SayStep s:
                w.Line($"printf 'generator: %s: %s\\n' {ShellQuote.Literal(s.Kind)} {Value(s.Message)} >&2");
                break;
            case WriteFileStep f:
                w.Line($"printf '%s' {Value(f.Content)} > {Value(f.Path)} || {Mg.Fail} {Value(new CatExpr([new LitExpr("cannot write "), f.Path]))}");
                break;
            case ProbeStep p:
                w.Line($"{Name(p.StatusVariable)}=0");
                w.Line($"{string.Join(' ', p.Argv.Select(ShellQuote.Literal))} >/dev/null 2>&1 || {Name(p.StatusVariable)}=$?");
                break;
            case NowStep n:
                w.Line($"{Name(n.Name)}=$(date -u '+%Y-%m-%dT%H:%M:%S+00:00') || {Mg.Fail} 'cannot read the current time for CREATED; set CREATED'");
                break;
            default:
                throw new InvalidOperationException($"unknown step {step}");
        }
    }

    private static void Body(ShellWriter w, IReadOnlyList<Step> steps)
    {
        if (steps.Count == 0) w.Indented(() => w.Line(":"));
        else w.Indented(() => Write(w, steps));
    }

    /// <summary>The shell word for a value.</summary>
    public static string Value(Expr expr)
    {
        var parts = new List<Expr>();
        Flatten(expr, parts);
        if (parts.Count == 0) return "''";
        return string.Concat(parts.Select(p => p switch
        {
            LitExpr l => ShellQuote.Literal(l.Text),
            RefExpr r => $"\"${{{Name(r.Name)}}}\"",
            UserIdExpr => "\"$(id -u)\"",
            StripExpr s => $"\"${{{Name(s.Name)}{(s.FromEnd ? "%" : "#")}{(s.Longest ? (s.FromEnd ? "%" : "#") : "")}{Pattern(s.Pattern)}}}\"",
            _ => throw new InvalidOperationException($"unknown value {p}"),
        }));
    }

    // Adjacent literals merge and empty ones vanish, so the script reads '--x=y' rather than '--x='''y'.
    private static void Flatten(Expr expr, List<Expr> parts)
    {
        switch (expr)
        {
            case CatExpr c:
                foreach (var part in c.Parts) Flatten(part, parts);
                break;
            case LitExpr { Text.Length: 0 }:
                break;
            case LitExpr next when parts.Count > 0 && parts[^1] is LitExpr previous:
                parts[^1] = new LitExpr(previous.Text + next.Text);
                break;
            default:
                parts.Add(expr);
                break;
        }
    }

    private static string Test(Cond cond) => cond switch
    {
        IsSetCond s => $"[ -n \"${{{Name(s.Name)}+x}}\" ]",
        NonEmptyCond n => $"[ -n {Value(n.Value)} ]",
        EqualCond e => $"[ {Value(e.Left)} = {Value(e.Right)} ]",
        LongerCond l => $"[ \"${{#{Name(l.Name)}}}\" -gt {l.Length} ]",
        HasWordCond h => $"{{ [ -n {Value(h.Word)} ] && case \" ${{{Name(h.List)}}} \" in *\" \"{Value(h.Word)}\" \"*) true ;; *) false ;; esac; }}",
        MatchCond m => $"case {Value(m.Value)} in {Patterns(m.Patterns)}) true ;; *) false ;; esac",
        NotCond { Inner: NonEmptyCond n } => $"[ -z {Value(n.Value)} ]",
        NotCond { Inner: IsSetCond s } => $"[ -z \"${{{Name(s.Name)}+x}}\" ]",
        NotCond n => "! " + Group(n.Inner),
        AnyCond a => string.Join(" || ", a.Items.Select(Group)),
        AllCond a => string.Join(" && ", a.Items.Select(Group)),
        HostCond { Question: HostQuestion.RegularFile } h => $"[ -f {Value(h.Path)} ]",
        HostCond { Question: HostQuestion.Socket } h => $"[ -S {Value(h.Path)} ]",
        HostCond { Question: HostQuestion.MountPoint } h => $"{Mg.IsMountPoint} {Value(h.Path)}",
        HostCond { Question: HostQuestion.Readable } h => $"[ -r {Value(h.Path)} ]",
        HostCond { Question: HostQuestion.RootlessKitStarts } h => $"{Mg.RootlessKitStarts} {Value(h.Path)}",
        _ => throw new InvalidOperationException($"unknown test {cond}"),
    };

    private static string Group(Cond cond) => cond is AnyCond or AllCond or NotCond { Inner: not (NonEmptyCond or IsSetCond) } ? "{ " + Test(cond) + "; }" : Test(cond);

    private static string Name(string name)
    {
        ScriptNames.RequireShellName(name);
        return name;
    }

    private static string Patterns(IEnumerable<string> patterns) => string.Join('|', patterns.Select(Pattern));

    // Patterns are written by this project, never taken from a manifest or the environment; this keeps them to
    // characters that mean the same inside and outside a case pattern.
    private static string Pattern(string pattern)
    {
        foreach (var c in pattern)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "*?[]!/=:_.,-".Contains(c)))
                throw new InvalidOperationException($"pattern '{pattern}' has a character the renderer does not allow: '{c}'");
        }
        return pattern;
    }
}
