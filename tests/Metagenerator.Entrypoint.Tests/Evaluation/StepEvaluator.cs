using Metagenerator.Entrypoint.Script;

namespace Metagenerator.Entrypoint.Tests.Evaluation;

/// <summary>Carries out script steps in C# with the shell's semantics: the tests' oracle for what the rendered script does.</summary>
internal sealed class StepEvaluator
{
    private static readonly char[] Whitespace = [' ', '\t', '\n'];

    private readonly Dictionary<string, string> _vars;
    private readonly IScriptHost _host;

    /// <summary>Starts from <paramref name="environment"/> (a key with an empty value is set).</summary>
    public StepEvaluator(IReadOnlyDictionary<string, string> environment, IScriptHost host)
    {
        _vars = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        _host = host;
    }

    /// <summary>The messages printed by <see cref="SayStep"/>s, as <c>KIND: MESSAGE</c>.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>The files written, by path.</summary>
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>The variables exported to the builders.</summary>
    public HashSet<string> Exported { get; } = new(StringComparer.Ordinal);

    /// <summary>A variable's value; unset is empty, as in the shell.</summary>
    public string Get(string name) => _vars.TryGetValue(name, out var v) ? v : "";

    /// <summary>The words of a list variable.</summary>
    public IReadOnlyList<string> Words(string name) => Get(name).Split(Whitespace, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs <paramref name="steps"/>; a <see cref="FailStep"/> throws <see cref="GeneratorInputException"/>.</summary>
    public void Run(IEnumerable<Step> steps)
    {
        foreach (var step in steps) Run(step);
    }

    private void Run(Step step)
    {
        switch (step)
        {
            case SetStep s: _vars[s.Name] = Value(s.Value); break;
            case UnsetStep u: _vars.Remove(u.Name); break;
            case ExportStep e: Exported.Add(e.Name); break;
            case IfStep i: Run(Test(i.Test) ? i.Then : i.Else); break;
            case CaseStep c:
                var subject = Value(c.Subject);
                var arm = c.Arms.FirstOrDefault(a => a.Patterns.Any(p => ShellGlob.Matches(p, subject)));
                if (arm is not null) Run(arm.Body);
                break;
            case ForEachStep f:
                foreach (var word in Words(f.List))
                {
                    _vars[f.Variable] = word;
                    Run(f.Body);
                }
                break;
            case FailStep f: throw new GeneratorInputException(f.Variable, Value(f.Message));
            case SayStep s: Messages.Add($"{s.Kind}: {Value(s.Message)}"); break;
            case WriteFileStep w: Files[Value(w.Path)] = Value(w.Content); break;
            case ProbeStep p: _vars[p.StatusVariable] = _host.Probe(p.Argv).ToString(System.Globalization.CultureInfo.InvariantCulture); break;
            case NowStep n: _vars[n.Name] = _host.Now(); break;
            default: throw new InvalidOperationException($"unknown step {step}");
        }
    }

    /// <summary>The text of a value.</summary>
    public string Value(Expr expr) => expr switch
    {
        LitExpr l => l.Text,
        RefExpr r => Get(r.Name),
        CatExpr c => string.Concat(c.Parts.Select(Value)),
        UserIdExpr => _host.UserId(),
        StripExpr s => Strip(Get(s.Name), s.Pattern, s.FromEnd, s.Longest),
        _ => throw new InvalidOperationException($"unknown value {expr}"),
    };

    private bool Test(Cond cond) => cond switch
    {
        IsSetCond s => _vars.ContainsKey(s.Name),
        NonEmptyCond n => Value(n.Value).Length > 0,
        EqualCond e => Value(e.Left) == Value(e.Right),
        LongerCond l => Get(l.Name).Length > l.Length,
        HasWordCond h => Words(h.List).Contains(Value(h.Word)),
        MatchCond m => m.Patterns.Any(p => ShellGlob.Matches(p, Value(m.Value))),
        NotCond n => !Test(n.Inner),
        AnyCond a => a.Items.Any(Test),
        AllCond a => a.Items.All(Test),
        HostCond h => _host.Ask(h.Question, Value(h.Path)),
        _ => throw new InvalidOperationException($"unknown test {cond}"),
    };

    private static string Strip(string value, string pattern, bool fromEnd, bool longest)
    {
        // ${v%p}: shortest suffix; ${v%%p}: longest suffix; ${v#p}: shortest prefix; ${v##p}: longest prefix.
        var cuts = Enumerable.Range(0, value.Length + 1);
        if (fromEnd != longest) cuts = cuts.Reverse();
        foreach (var i in cuts)
        {
            if (fromEnd && ShellGlob.Matches(pattern, value[i..])) return value[..i];
            if (!fromEnd && ShellGlob.Matches(pattern, value[..i])) return value[i..];
        }
        return value;
    }
}
