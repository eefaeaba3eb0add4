namespace Metagenerator.Manifest;

/// <summary>
/// The names no config key or parameter may have, because the generator script, or the shell that runs it, already
/// gives them a meaning. Config keys and build parameters become shell variables of the script, and runtime parameters
/// environment variables of the model; a reserved name there would silently change how either runs.
/// The builders' own settings (BUILDKIT_HOST, STORAGE_DRIVER, KANIKO_EXECUTOR…) are not reserved: a config key may set
/// one on purpose, and the script then uses it as if it came from the environment.
/// <see cref="ManifestRules.CheckVariableName"/> applies them; the validator and the script renderer both call it.
/// </summary>
public static class ReservedNames
{
    /// <summary>The prefix of the generator script's own variables and functions.</summary>
    public const string ScriptPrefix = "mg_";

    /// <summary>Bash, which is /bin/sh in some builder images, gives meaning to many variables with this prefix (BASH_ENV, BASH_ARGV0, BASH_XTRACEFD…).</summary>
    public const string BashPrefix = "BASH_";

    /// <summary>The generator's inputs (docs/contracts.md §4) and the build arguments it sets itself.</summary>
    public static IReadOnlySet<string> GeneratorInputs { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "MODEL_NAME", "MODEL_TAG", "CREATED", "EXTRA_FLAGS", "GENERATOR_NAME", "GENERATOR_TAG",
        "PUSH_RETRY", "VERBOSITY", "MODEL_BUILD_CONTEXT", "DOCKER_CONFIG", "MODEL_INFO",
    };

    /// <summary>
    /// Variables the shell itself reads or sets: those POSIX sh specifies, and those busybox ash and bash make special
    /// (bash refuses assignments to its read-only ones, such as UID, and aborts the script).
    /// </summary>
    public static IReadOnlySet<string> Shell { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // POSIX sh
        "PATH", "HOME", "IFS", "PWD", "OLDPWD", "CDPATH", "ENV", "PS1", "PS2", "PS4", "OPTIND", "OPTARG", "LINENO", "PPID",
        "LANG", "LC_ALL", "LC_COLLATE", "LC_CTYPE", "LC_MESSAGES", "NLSPATH", "TMPDIR",
        // busybox ash and bash
        "RANDOM", "SECONDS", "HOSTNAME", "SHELLOPTS", "BASHOPTS", "UID", "EUID", "GROUPS", "FUNCNAME", "POSIXLY_CORRECT", "_",
    };

    /// <summary>Every reserved name, ordered, for documentation and messages (the prefixes are not included).</summary>
    public static IReadOnlyList<string> All { get; } = [.. GeneratorInputs.Concat(Shell).Order(StringComparer.Ordinal)];

    /// <summary>Why <paramref name="name"/> is reserved, or null when it is free.</summary>
    public static string? Reason(string name)
    {
        if (name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
            return $"names starting with '{ScriptPrefix}' are the generator script's own variables";
        if (GeneratorInputs.Contains(name))
            return "the generator reads or sets it itself (" + string.Join(", ", GeneratorInputs.Order(StringComparer.Ordinal)) + ")";
        if (Shell.Contains(name))
            return "the shell that runs the generator gives it a meaning of its own, so it would change how the generator runs";
        if (name.StartsWith(BashPrefix, StringComparison.Ordinal))
            return $"bash, which runs the generator in some builder images, gives names starting with '{BashPrefix}' a meaning of its own";
        return null;
    }
}
