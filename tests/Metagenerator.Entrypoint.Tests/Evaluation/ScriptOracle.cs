using Metagenerator.Entrypoint.Builders;
using Metagenerator.Entrypoint.Script;
using Metagenerator.Manifest;

namespace Metagenerator.Entrypoint.Tests.Evaluation;

/// <summary>What a generator run does, computed in C# from the same definitions the script is rendered from.</summary>
/// <param name="Calls">Every program the script starts, in order (capability checks included), program first.</param>
/// <param name="Messages">The notes and warnings it prints, as <c>KIND: MESSAGE</c>.</param>
/// <param name="Files">The files it writes, by path.</param>
/// <param name="Exported">The exported variables with their values.</param>
internal sealed record ScriptOutcome(
    IReadOnlyList<IReadOnlyList<string>> Calls,
    IReadOnlyList<string> Messages,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, string> Exported);

/// <summary>Evaluates a rendered script's definition in C#: the tests' oracle, never used by the generator itself.</summary>
internal static class ScriptOracle
{
    /// <summary>The outcome of running the script of <paramref name="manifest"/> for <paramref name="builder"/> with
    /// exactly <paramref name="environment"/>, when every command succeeds; throws <see cref="GeneratorInputException"/>
    /// where the script stops before building.</summary>
    public static ScriptOutcome Run(GeneratorManifest manifest, BuilderKind builder, IReadOnlyDictionary<string, string> environment, IScriptHost host)
    {
        var definition = BuilderDefinition.For(builder);
        var recording = new RecordingHost(host);
        var evaluator = new StepEvaluator(environment, recording);
        evaluator.Run(GeneratorScript.Steps(manifest, definition));
        var calls = new List<IReadOnlyList<string>>(recording.Probes);
        calls.AddRange(definition.Commands(manifest).Where(c => TemplateEvaluator.Runs(c, evaluator))
            .Select(c => TemplateEvaluator.Evaluate(c, evaluator)));
        return new ScriptOutcome(calls, evaluator.Messages, evaluator.Files,
            evaluator.Exported.ToDictionary(n => n, evaluator.Get, StringComparer.Ordinal));
    }

    private sealed class RecordingHost(IScriptHost inner) : IScriptHost
    {
        public List<IReadOnlyList<string>> Probes { get; } = [];

        public bool Ask(HostQuestion question, string path) => inner.Ask(question, path);

        public int Probe(IReadOnlyList<string> argv)
        {
            Probes.Add(argv);
            return inner.Probe(argv);
        }

        public string Now() => inner.Now();

        public string UserId() => inner.UserId();
    }
}
