namespace Metagenerator.Generator;

/// <summary>The rules the generator script applies to its reserved inputs, in C# (the script checks the same with <c>case</c> patterns).</summary>
public static class ModelNaming
{
    /// <summary>Maximum length of an image tag (distribution spec).</summary>
    public const int MaxTagLength = 128;

    /// <summary>The log levels kaniko and buildah accept for <c>VERBOSITY</c>.</summary>
    public static IReadOnlyList<string> VerbosityLevels { get; } = ["panic", "fatal", "error", "warn", "info", "debug", "trace"];

    /// <summary>What a valid <c>MODEL_NAME</c> is, for messages.</summary>
    public const string ModelNameRule =
        "lower-case letters and digits, separated by '_', '__' or runs of '-', starting and ending with a letter or digit (no dots: labels are split on dots)";

    /// <summary>What a valid <c>MODEL_TAG</c> is, for messages.</summary>
    public const string ModelTagRule =
        "letters, digits, '_' and '-', not starting with '-', at most 128 characters (no dots: labels are split on dots)";

    /// <summary>A repository path component without dots: <c>[a-z0-9]+((_|__|-+)[a-z0-9]+)*</c>.</summary>
    public static bool IsValidModelName(string name)
    {
        if (name.Length == 0) return false;
        foreach (var c in name)
            if (!(IsLowerAlnum(c) || c == '_' || c == '-')) return false;
        if (!IsLowerAlnum(name[0]) || !IsLowerAlnum(name[^1])) return false;
        return !name.Contains("___", StringComparison.Ordinal)
            && !name.Contains("_-", StringComparison.Ordinal)
            && !name.Contains("-_", StringComparison.Ordinal);
    }

    /// <summary>An image tag without dots: <c>[A-Za-z0-9_][A-Za-z0-9_-]{0,127}</c>.</summary>
    public static bool IsValidModelTag(string tag)
    {
        if (tag.Length == 0 || tag.Length > MaxTagLength || tag[0] == '-') return false;
        foreach (var c in tag)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        return true;
    }

    /// <summary>A non-negative decimal number of at most four digits (the script compares it arithmetically).</summary>
    public static bool IsValidPushRetry(string value) => value.Length is > 0 and <= 4 && value.All(char.IsAsciiDigit);

    /// <summary>Whether a variable's value is shown as <c>***</c>: its name contains PASSWORD, SECRET, TOKEN or KEY (any case).</summary>
    public static bool IsSecretName(string name) =>
        SecretMarkers.Any(m => name.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>The name parts that mark a value as secret.</summary>
    public static IReadOnlyList<string> SecretMarkers { get; } = ["PASSWORD", "SECRET", "TOKEN", "KEY"];

    private static bool IsLowerAlnum(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';
}
