namespace Metagenerator.Cli.Output;

/// <summary>Log levels, with kaniko's names (panic, fatal, error, warn, info, debug, trace).</summary>
public enum Verbosity
{
    Panic,
    Fatal,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// <summary>Parses kaniko's level names.</summary>
public static class VerbosityParser
{
    /// <summary>The accepted names, for help and errors: the generator script's list, in the order of <see cref="Verbosity"/>.</summary>
    public static IReadOnlyList<string> Names => Entrypoint.ModelNaming.VerbosityLevels;

    /// <summary>Parses a level name (case-insensitive); <c>warning</c> is accepted for <c>warn</c>.</summary>
    public static bool TryParse(string? text, out Verbosity verbosity)
    {
        verbosity = Verbosity.Info;
        if (text is null) return false;
        var normalized = text.Trim().ToLowerInvariant();
        if (normalized == "warning") normalized = "warn";
        var index = Names.ToList().IndexOf(normalized);
        if (index < 0) return false;
        verbosity = (Verbosity)index;
        return true;
    }

    /// <summary>The level a <c>--verbosity</c> value names; any other text is a usage error that lists the names.</summary>
    public static Verbosity FromOption(string? text) =>
        TryParse(text, out var verbosity) ? verbosity
            : throw new UsageException($"--verbosity '{text}' is not a level; use one of {string.Join(", ", Names)}");
}
