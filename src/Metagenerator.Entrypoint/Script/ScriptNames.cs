using Metagenerator.Manifest;

namespace Metagenerator.Entrypoint.Script;

/// <summary>Which names may become shell variables in the generator script.</summary>
public static class ScriptNames
{
    /// <summary>The prefix of the script's own variables; no manifest name may start with it.</summary>
    public const string InternalPrefix = ReservedNames.ScriptPrefix;

    /// <summary>Whether <paramref name="name"/> is a portable shell variable name (<c>[A-Za-z_][A-Za-z0-9_]*</c>).</summary>
    public static bool IsShellName(string name) => ManifestRules.IsEnvironmentName(name);

    /// <summary>Throws unless <paramref name="name"/> is a portable shell variable name.</summary>
    public static void RequireShellName(string name)
    {
        if (!IsShellName(name))
            throw new ArgumentException($"'{name}' is not a valid shell variable name", nameof(name));
    }

    /// <summary>Throws <see cref="ManifestException"/> when a config key or build parameter cannot be a script variable.</summary>
    /// <remarks>The renderer's own guard, because these names are the only manifest text written into the script as code.
    /// It applies the validator's rule (<see cref="ManifestRules.CheckVariableName"/>), so a manifest <c>validate</c>
    /// accepts always renders; it only fires for a <see cref="GeneratorManifest"/> built by hand.</remarks>
    public static void CheckManifest(GeneratorManifest manifest)
    {
        var buildSection = manifest.Schema == ManifestSchema.Extended ? "generation_parameters" : "parameters";
        var names = manifest.Config.Select(c => (Section: "config", Name: c.Key, At: c.Value))
            .Concat(manifest.BuildParameters.Select(p => (Section: buildSection, p.Name, At: p.Value)));
        var errors = new List<ManifestError>();
        foreach (var (section, name, at) in names)
        {
            if (ManifestRules.CheckVariableName(name) is { } problem)
                errors.Add(new ManifestError(manifest.Path, at.Line, at.Column, $"{manifest.Name}.{section}.{name}", problem));
        }
        foreach (var required in ManifestRules.MandatoryConfigKeys)
        {
            if (manifest.ConfigValue(required) is null)
                errors.Add(new ManifestError(manifest.Path, 1, 1, $"{manifest.Name}.config.{required}", $"missing '{required}'"));
        }
        if (errors.Count > 0) throw new ManifestException(errors);
    }
}
