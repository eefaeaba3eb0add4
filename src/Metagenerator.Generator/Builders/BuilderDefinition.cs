using Metagenerator.Generator.Script;
using Metagenerator.Manifest;
using static Metagenerator.Generator.Script.Arg;

namespace Metagenerator.Generator.Builders;

/// <summary>One builder: its command templates (the single source of truth for its argv), plus how the script derives
/// the builder-specific variables those templates use, written twice: in C# and as shell.</summary>
internal abstract class BuilderDefinition
{
    /// <summary>Which builder this is.</summary>
    public abstract BuilderKind Kind { get; }

    /// <summary>The commands the script runs, in order; each with its condition.</summary>
    public abstract IReadOnlyList<CommandTemplate> Commands(GeneratorManifest manifest);

    /// <summary>Builder-specific environment variables, for the help text.</summary>
    public abstract IReadOnlyList<(string Name, string Description)> Settings { get; }

    /// <summary>Sets the builder-specific variables (C# twin of <see cref="WriteDerive"/>).</summary>
    protected abstract void Derive(BuildInvocation inv, ScriptValues values);

    /// <summary>Writes the shell that sets the builder-specific variables, after the common ones and the EXTRA_FLAGS scan.</summary>
    public abstract void WriteDerive(ShellWriter w, GeneratorManifest manifest);

    /// <summary>The definition of <paramref name="kind"/>.</summary>
    public static BuilderDefinition For(BuilderKind kind) => kind switch
    {
        BuilderKind.Kaniko => KanikoDefinition.Instance,
        BuilderKind.Buildah => BuildahDefinition.Instance,
        BuilderKind.BuildKit => BuildKitDefinition.Instance,
        BuilderKind.Docker => DockerDefinition.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>All variable values for <paramref name="inv"/>: what the script holds just before it runs the builder.</summary>
    public ScriptValues Values(BuildInvocation inv)
    {
        var v = new ScriptValues();
        foreach (var (key, _) in inv.Manifest.Config) v.Set(key, inv.Config(key));
        foreach (var p in inv.Manifest.BuildParameters)
            v.Set(p.Name, inv.BuildParameterValues.TryGetValue(p.Name, out var value) ? value : "");
        v.Set("MODEL_NAME", inv.ModelName);
        v.Set("MODEL_TAG", inv.ModelTag);
        v.Set("mg_created", inv.Created);
        v.Set("mg_info", inv.ModelInfo);
        v.Set("mg_push_retry", inv.PushRetry);
        v.Set("mg_verbosity", inv.Verbosity);
        v.Set("mg_context", inv.ContextDir);
        v.Set("mg_dockerfile", inv.DockerfilePath);
        v.Set("mg_dest", inv.Destination);
        v.Set("mg_prefix", inv.LabelPrefix);
        v.Set("mg_model_host", inv.ModelRegistryHost);
        Derive(inv, v);
        return v;
    }

    /// <summary>The argv of every command that runs for <paramref name="inv"/>, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Evaluate(BuildInvocation inv)
    {
        var values = Values(inv);
        return Commands(inv.Manifest).Where(c => TemplateEvaluator.Runs(c, values))
            .Select(c => TemplateEvaluator.Evaluate(c, values)).ToList();
    }

    /// <summary>The argv of the command labelled <paramref name="label"/>, or null when it does not run for <paramref name="inv"/>.</summary>
    public IReadOnlyList<string>? Evaluate(BuildInvocation inv, string label)
    {
        var values = Values(inv);
        var command = Commands(inv.Manifest).Single(c => c.Label == label);
        return TemplateEvaluator.Runs(command, values) ? TemplateEvaluator.Evaluate(command, values) : null;
    }

    /// <summary>The build arguments of CONTRACTS §4, as (name, value) in order.</summary>
    protected static IEnumerable<(string Name, ArgPart Value)> BuildArgs(GeneratorManifest m)
    {
        yield return ("GENERATOR_NAME", L(m.Name));
        yield return ("GENERATOR_TAG", L(m.Version));
        yield return ("MODEL_NAME", V("MODEL_NAME"));
        yield return ("MODEL_TAG", V("MODEL_TAG"));
        foreach (var (key, _) in m.Config) yield return (key, V(key));
        foreach (var p in m.BuildParameters) yield return (p.Name, V(p.Name));
    }

    /// <summary>The model-image labels of CONTRACTS §3 as <c>KEY=VALUE</c> words, each after <paramref name="flag"/>; the
    /// <c>info</c> label only when <c>MODEL_INFO</c> is non-empty.</summary>
    /// <param name="m">The manifest.</param>
    /// <param name="flag">The flag word before each label (<c>--label</c>, <c>--opt</c>).</param>
    /// <param name="keyPrefix">Text before the label key (<c>label:</c> for buildctl).</param>
    protected static IEnumerable<ArgItem> Labels(GeneratorManifest m, string flag, string keyPrefix = "")
    {
        WordItem Label(string key, ArgPart value) => Concat(L(keyPrefix), V("mg_prefix"), L(key + "="), value);
        foreach (var p in m.BuildParameters)
        {
            yield return Lit(flag);
            yield return Label(p.Name, V(p.Name));
        }
        yield return Lit(flag);
        yield return Label("CREATED", V("mg_created"));
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
        yield return When("mg_info", Lit(flag), Label("info", V("mg_info")));
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

    /// <summary>The directory part of a path as the script computes it (<c>${p%/*}</c>, <c>/</c> for a root file, <c>.</c> without a slash).</summary>
    protected static string DirectoryOf(string path)
    {
        var slash = path.LastIndexOf('/');
        if (slash < 0) return ".";
        return slash == 0 ? "/" : path[..slash];
    }
}
