using Metagenerator.Entrypoint.Script;
using Metagenerator.Manifest;
using static Metagenerator.Entrypoint.Script.Arg;

namespace Metagenerator.Entrypoint.Builders;

/// <summary>One builder, declared once: the steps that derive its variables from the common ones and the EXTRA_FLAGS
/// scan, and the command templates that use them. <see cref="GeneratorScript"/> renders both as shell; the tests'
/// oracle (<c>ScriptOracle</c> in the tests) evaluates the same definition in C#.</summary>
internal abstract class BuilderDefinition
{
    /// <summary>Which builder this is.</summary>
    public abstract BuilderKind Kind { get; }

    /// <summary>Builder-specific environment variables, for the help text.</summary>
    public abstract IReadOnlyList<(string Name, string Description)> Settings { get; }

    /// <summary>What a caller of <c>docker run</c> must add for this builder, for the help text.</summary>
    public abstract string RunRequirements { get; }

    /// <summary>The steps that set the builder-specific variables, after the common ones and the EXTRA_FLAGS scan.</summary>
    public abstract IEnumerable<Step> Derive(GeneratorManifest manifest);

    /// <summary>The commands the script runs, in order; each with its condition.</summary>
    public abstract IReadOnlyList<CommandTemplate> Commands(GeneratorManifest manifest);

    /// <summary>The definition of <paramref name="kind"/>.</summary>
    public static BuilderDefinition For(BuilderKind kind) => kind switch
    {
        BuilderKind.Kaniko => KanikoDefinition.Instance,
        BuilderKind.Buildah => BuildahDefinition.Instance,
        BuilderKind.BuildKit => BuildKitDefinition.Instance,
        BuilderKind.Docker => DockerDefinition.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The build arguments of docs/contracts.md §4, as (name, value) in order.</summary>
    protected static IEnumerable<(string Name, ArgPart Value)> BuildArgs(GeneratorManifest m)
    {
        yield return ("GENERATOR_NAME", L(m.Name));
        yield return ("GENERATOR_TAG", L(m.Version));
        yield return ("MODEL_NAME", V("MODEL_NAME"));
        yield return ("MODEL_TAG", V("MODEL_TAG"));
        foreach (var (key, _) in m.Config) yield return (key, V(key));
        foreach (var p in m.BuildParameters) yield return (p.Name, V(p.Name));
    }

    /// <summary>The model-image labels of docs/contracts.md §3 as <c>KEY=VALUE</c> words, each after <paramref name="flag"/>; the
    /// <c>info</c> label only when <c>MODEL_INFO</c> is non-empty.</summary>
    /// <param name="m">The manifest.</param>
    /// <param name="flag">The flag word before each label (<c>--label</c>, <c>--opt</c>).</param>
    /// <param name="keyPrefix">Text before the label key (<c>label:</c> for buildctl).</param>
    protected static IEnumerable<ArgItem> Labels(GeneratorManifest m, string flag, string keyPrefix = "")
    {
        WordItem Label(string key, ArgPart value) => Concat(L(keyPrefix), V(Mg.Prefix), L(key + "="), value);
        foreach (var p in m.BuildParameters)
        {
            yield return Lit(flag);
            yield return Label(p.Name, V(p.Name));
        }
        yield return Lit(flag);
        yield return Label("CREATED", V(Mg.Created));
        foreach (var p in m.RuntimeParameters)
        {
            yield return Lit(flag);
            yield return Label("parameters." + p.Name, L(p.Value.Text));
        }
        foreach (var p in m.OptionalParameters)
        {
            yield return Lit(flag);
            yield return Label("parameters.optional." + p.Name, L(p.Value.Text));
        }
        yield return When(Mg.Info, Lit(flag), Label("info", V(Mg.Info)));
    }

    /// <summary><c>FLAG NAME=VALUE</c> for each build argument.</summary>
    protected static IEnumerable<ArgItem> BuildArgItems(GeneratorManifest m, string flag, string keyPrefix = "")
    {
        foreach (var (name, value) in BuildArgs(m))
        {
            yield return Lit(flag);
            yield return Concat(L(keyPrefix + name + "="), value);
        }
    }
}
