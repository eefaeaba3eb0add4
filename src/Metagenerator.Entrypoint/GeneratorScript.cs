using System.Text;
using Metagenerator.Entrypoint.Builders;
using Metagenerator.Entrypoint.Script;
using Metagenerator.Manifest;

namespace Metagenerator.Entrypoint;

/// <summary>Renders the generator image's entrypoint: a POSIX sh script (busybox sh compatible) that builds and pushes the model image.</summary>
/// <remarks>
/// Safety: manifest values enter the script only as single-quoted literals, and environment values are only expanded
/// inside double quotes into the builder's argv (built with <c>set -- "$@" …</c>); nothing is ever eval'd. The only
/// manifest text written as code is config keys and build-parameter names, which must be shell variable names.
/// Semantics: a config key or build parameter set in the environment wins even when set to the empty string (so
/// <c>MODEL_REGISTRY=</c> means "no registry prefix"); empty <c>CREATED</c>, <c>PUSH_RETRY</c>, <c>VERBOSITY</c> and
/// <c>MODEL_BUILD_CONTEXT</c> mean their defaults. <c>CREATED</c> defaults to the current UTC time as
/// <c>YYYY-MM-DDTHH:MM:SS+00:00</c>, the format of the original generator (<c>date -u -Iseconds</c>) and of the Model API.
/// <c>EXTRA_FLAGS</c> is split on spaces, tabs and newlines with globbing off; quotes in it are not interpreted.
/// </remarks>
public static class GeneratorScript
{
    /// <summary>Renders the entrypoint script of <paramref name="manifest"/> for <paramref name="builder"/>.</summary>
    /// <exception cref="InvalidInputException">A config key or build parameter cannot be a script variable.</exception>
    /// <exception cref="ArgumentException">A value holds a NUL (the manifest loader refuses those first).</exception>
    public static string Render(GeneratorManifest manifest, BuilderKind builder)
    {
        ScriptNames.CheckManifest(manifest);
        var definition = BuilderDefinition.For(builder);
        var w = new ShellWriter();
        var builderName = BuilderKindParser.Name(builder);

        w.Line("#!/bin/sh");
        w.Comment($"Generator entrypoint of {manifest.Name}:{manifest.Version} (builder: {builderName}), rendered by `metagenerator render-generator`.");
        w.Comment("Manifest values appear only as single-quoted literals; environment values are only expanded inside double quotes.");
        w.Comment("Nothing is eval'd. The builder's arguments are collected in the positional parameters (set -- \"$@\" ...).");
        // The header stays here, not in Shell/*.sh: its first comment names the manifest, and IFS is a literal space, tab and
        // newline, which an editor's trimming of trailing whitespace would silently break in a .sh file.
        w.Line("set -f");
        w.Line("IFS=' \t\n'");
        w.Line();
        w.Fragment(ShellFragment.Render(ShellFragment.Functions));
        w.Line();
        w.Fragment(ShellFragment.Render(ShellFragment.Arguments,
            new Dictionary<string, string> { ["HELP_TEXT"] = ShellQuote.Literal(HelpText(manifest, definition.Kind)) }));
        w.Line();
        w.Comment("Defaults, input checks, destination and label prefix.");
        ScriptRenderer.Write(w, GeneratorInputs.Steps(manifest));
        w.Line();
        w.Comment("EXTRA_FLAGS: split on whitespace (globbing is off, nothing is eval'd); kaniko's TLS and cache flags are noted.");
        ScriptRenderer.Write(w, ExtraFlagScan.Steps());
        w.Line();
        w.Comment($"{builderName}-specific values");
        ScriptRenderer.Write(w, definition.Derive(manifest));
        w.Line();
        WriteSummary(w, manifest, builderName);
        foreach (var command in definition.Commands(manifest))
        {
            w.Line();
            w.Command(command);
        }
        w.Line();
        w.Fragment(ShellFragment.Render(ShellFragment.Finish));
        return w.ToString();
    }

    /// <summary>Every step the script runs before its commands, in order (for the C# evaluation).</summary>
    internal static IEnumerable<Step> Steps(GeneratorManifest manifest, BuilderDefinition definition) =>
        GeneratorInputs.Steps(manifest).Concat(ExtraFlagScan.Steps()).Concat(definition.Derive(manifest));

    /// <summary>The text <c>help</c>/<c>--help</c> prints: every parameter with its info, default and whether it is required.</summary>
    internal static string HelpText(GeneratorManifest manifest, BuilderKind builder)
    {
        var definition = BuilderDefinition.For(builder);
        var sb = new StringBuilder();
        string Shown(string name, string value) => ModelNaming.IsSecretName(name) ? "***" : value;
        void Entry(string name, bool required, string info, string? defaultText, string defaultLabel = "default")
        {
            sb.Append("  ").Append(name).Append(required ? " (required)" : " (optional)").Append('\n');
            if (info.Length > 0) sb.Append("      ").Append(info.ReplaceLineEndings("\n      ")).Append('\n');
            if (defaultText is not null)
                sb.Append("      ").Append(defaultLabel).Append(": ").Append(defaultText.ReplaceLineEndings("\n      ")).Append('\n');
        }

        sb.Append($"Generator {manifest.Name}:{manifest.Version}: builds the model image ")
          .Append($"[MODEL_REGISTRY/]{manifest.Name}/{manifest.Version}/MODEL_NAME:MODEL_TAG with {BuilderKindParser.Name(builder)} and pushes it.\n");
        sb.Append("Usage: set the variables below in the environment and run without arguments; 'help' or '--help' prints this.\n");
        sb.Append("A variable set in the environment overrides the default, even when set to the empty string.\n\n");

        sb.Append("Model:\n");
        Entry("MODEL_NAME", true, "the model's name: " + ModelNaming.ModelNameRule
            + ". The Model API only accepts " + ModelNaming.ModelApiRuleText + "; other valid names get a warning", null);
        Entry("MODEL_TAG", true, "the model's tag: " + ModelNaming.ModelTagRule
            + ". The Model API only accepts " + ModelNaming.ModelApiRuleText + "; other valid tags get a warning", null);

        sb.Append("\nConfig:\n");
        foreach (var (key, value) in manifest.Config) Entry(key, false, "", Shown(key, value.Text));

        if (manifest.BuildParameters.Count > 0)
        {
            sb.Append("\nBuild parameters (passed as build arguments and recorded as labels):\n");
            foreach (var p in manifest.BuildParameters) Entry(p.Name, false, p.Info, Shown(p.Name, p.Value.Text));
        }
        if (manifest.RuntimeParameters.Count > 0)
        {
            sb.Append("\nRuntime parameters of the model (recorded as labels on the model image; not read by the generator):\n");
            foreach (var p in manifest.RuntimeParameters) Entry(p.Name, true, p.Info, Shown(p.Name, p.Value.Text), "example");
        }
        if (manifest.OptionalParameters.Count > 0)
        {
            sb.Append("\nOptional runtime parameters of the model (recorded as labels on the model image; not read by the generator):\n");
            foreach (var p in manifest.OptionalParameters) Entry(p.Name, false, p.Info, Shown(p.Name, p.Value.Text));
        }

        sb.Append("\nGenerator settings:\n");
        Entry("CREATED", false, "creation time for the CREATED label, passed through verbatim", "the current UTC time, YYYY-MM-DDTHH:MM:SS+00:00");
        Entry("MODEL_INFO", false, "free-text model description for the info label", "none (no info label)");
        Entry("EXTRA_FLAGS", false,
            "further builder flags, kaniko's names; split on whitespace, quotes are not interpreted" +
            (builder == BuilderKind.Kaniko ? "" : "; kaniko's TLS and cache flags are translated"), "none");
        Entry("PUSH_RETRY", false, "how often to retry a failed push (0 to 9999)",
            builder == BuilderKind.Buildah ? "buildah's own (3 retries)" : "1");
        Entry("VERBOSITY", false, "log level: " + string.Join(", ", ModelNaming.VerbosityLevels), "info");
        Entry("MODEL_BUILD_CONTEXT", false, "the model source directory (the build context)", GeneratorInputs.DefaultContextDir);
        Entry("DOCKER_CONFIG", false, "directory holding config.json with registry credentials", GeneratorInputs.DefaultDockerConfig);
        foreach (var (name, description) in definition.Settings) Entry(name, false, description, null);
        sb.Append("\nRunning it:\n  ").Append(definition.RunRequirements).Append('\n');
        return sb.ToString();
    }

    private static void WriteSummary(ShellWriter w, GeneratorManifest manifest, string builderName)
    {
        w.Comment("The values in use; names containing PASSWORD, SECRET, TOKEN or KEY are masked.");
        w.Print($"generator {manifest.Name}:{manifest.Version} (builder {builderName}) builds with:");
        void Show(string name, string variable)
        {
            var value = ModelNaming.IsSecretName(name) ? ShellQuote.Literal("***") : $"\"${{{variable}}}\"";
            w.Line($"printf '  %s=%s\\n' {ShellQuote.Literal(name)} {value}");
        }
        foreach (var (key, _) in manifest.Config) Show(key, key);
        foreach (var p in manifest.BuildParameters) Show(p.Name, p.Name);
        Show("MODEL_NAME", "MODEL_NAME");
        Show("MODEL_TAG", "MODEL_TAG");
        Show("CREATED", Mg.Created);
        Show("MODEL_INFO", Mg.Info);
        Show("PUSH_RETRY", Mg.PushRetry);
        Show("VERBOSITY", Mg.Verbosity);
        Show("MODEL_BUILD_CONTEXT", Mg.Context);
        // EXTRA_FLAGS words that look like they carry a secret (--build-arg API_TOKEN=...) are masked too.
        w.Fragment(ShellFragment.Render(ShellFragment.Summary, new Dictionary<string, string>
        {
            ["SECRET_WORD_PATTERNS"] = string.Join('|', ModelNaming.SecretMarkers.Select(m => "*" + CaseInsensitivePattern(m) + "*")),
        }));
    }

    private static string CaseInsensitivePattern(string word) =>
        string.Concat(word.Select(c => char.IsAsciiLetter(c) ? $"[{char.ToUpperInvariant(c)}{char.ToLowerInvariant(c)}]" : c.ToString()));
}
