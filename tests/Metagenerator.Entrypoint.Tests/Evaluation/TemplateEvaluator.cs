using Metagenerator.Entrypoint.Script;

namespace Metagenerator.Entrypoint.Tests.Evaluation;

/// <summary>Evaluates command templates with the values the script holds: the C# twin of how the script builds argv.</summary>
internal static class TemplateEvaluator
{
    /// <summary>Whether the command runs with these values.</summary>
    public static bool Runs(CommandTemplate command, StepEvaluator values) =>
        command.Condition is null || values.Get(command.Condition).Length > 0;

    /// <summary>The full argv (program first) the script passes for <paramref name="command"/>.</summary>
    public static IReadOnlyList<string> Evaluate(CommandTemplate command, StepEvaluator values)
    {
        var argv = new List<string> { command.Program };
        Append(command.Items, values, argv);
        return argv;
    }

    private static void Append(IReadOnlyList<ArgItem> items, StepEvaluator values, List<string> argv)
    {
        foreach (var item in items)
        {
            switch (item)
            {
                case WordItem word:
                    argv.Add(string.Concat(word.Parts.Select(p => p switch
                    {
                        LiteralPart l => l.Text,
                        VariablePart v => values.Get(v.Name),
                        _ => throw new InvalidOperationException($"unknown part {p}"),
                    })));
                    break;
                case WhenSetItem conditional:
                    if (values.Get(conditional.Variable).Length > 0) Append(conditional.Items, values, argv);
                    break;
                case SpliceItem splice:
                    argv.AddRange(values.Words(splice.ListVariable));
                    break;
                default:
                    throw new InvalidOperationException($"unknown item {item}");
            }
        }
    }
}
