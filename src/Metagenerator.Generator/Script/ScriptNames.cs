using Metagenerator.Manifest;

namespace Metagenerator.Generator.Script;

/// <summary>Which names may become shell variables in the generator script.</summary>
public static class ScriptNames
{
    /// <summary>The prefix of the script's own variables; no manifest name may start with it.</summary>
    public const string InternalPrefix = "mg_";

    /// <summary>Variables the shell itself gives meaning to; a manifest name equal to one would change how the script runs.</summary>
    public static IReadOnlySet<string> ShellSpecialNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "IFS", "PATH", "ENV", "CDPATH", "PS1", "PS2", "PS4", "OPTIND", "OPTARG", "LINENO", "PPID", "PWD", "OLDPWD", "HOME",
    };

    /// <summary>Whether <paramref name="name"/> is a portable shell variable name (<c>[A-Za-z_][A-Za-z0-9_]*</c>).</summary>
    public static bool IsShellName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    /// <summary>Throws unless <paramref name="name"/> is a portable shell variable name.</summary>
    public static void RequireShellName(string name)
    {
        if (!IsShellName(name))
            throw new ArgumentException($"'{name}' is not a valid shell variable name", nameof(name));
    }

    /// <summary>Throws <see cref="InvalidInputException"/> when a config key or build parameter cannot be a script variable.</summary>
    /// <remarks>The manifest validator already enforces environment-variable names and the reserved names; this is the
    /// renderer's own guard, because these names are the only manifest text written into the script as code.</remarks>
    public static void CheckManifest(GeneratorManifest manifest)
    {
        var names = manifest.Config.Select(c => ("config", c.Key))
            .Concat(manifest.BuildParameters.Select(p => ("build parameter", p.Name)));
        foreach (var (kind, name) in names)
        {
            if (!IsShellName(name))
                throw new InvalidInputException($"{manifest.Path}: {kind} '{name}' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
            if (name.StartsWith(InternalPrefix, StringComparison.Ordinal))
                throw new InvalidInputException($"{manifest.Path}: {kind} '{name}' starts with '{InternalPrefix}', which the generator script reserves for itself");
            if (ShellSpecialNames.Contains(name))
                throw new InvalidInputException($"{manifest.Path}: {kind} '{name}' is a variable the shell itself uses; choose another name");
            if (GeneratorManifest.ReservedNames.Contains(name))
                throw new InvalidInputException($"{manifest.Path}: {kind} '{name}' is reserved by the generator script");
        }
        foreach (var required in new[] { "MODEL_REGISTRY", "MODEL_DOCKERFILE" })
            if (manifest.ConfigValue(required) is null)
                throw new InvalidInputException($"{manifest.Path}: config has no {required}");
    }
}
