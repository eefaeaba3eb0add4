namespace Metagenerator.Entrypoint;

/// <summary>The rules the generator script applies to its reserved inputs, written once as shell patterns: the script
/// checks them with <c>case</c>, the C# evaluation of the script with the same patterns.</summary>
public static class ModelNaming
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Any = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Maximum length of an image tag (distribution spec).</summary>
    public const int MaxTagLength = 128;

    /// <summary>The log levels kaniko and buildah accept for <c>VERBOSITY</c>, from least to most verbose (also the CLI's <c>--verbosity</c>).</summary>
    public static IReadOnlyList<string> VerbosityLevels { get; } = ["panic", "fatal", "error", "warn", "info", "debug", "trace"];

    /// <summary>What a valid <c>MODEL_NAME</c> is, for messages.</summary>
    public const string ModelNameRule =
        "lower-case letters and digits, separated by '_', '__' or runs of '-', starting and ending with a letter or digit (no dots: labels are split on dots)";

    /// <summary>What a valid <c>MODEL_TAG</c> is, for messages.</summary>
    public const string ModelTagRule =
        "letters, digits, '_' and '-', not starting with '-', at most 128 characters (no dots: labels are split on dots)";

    /// <summary>The Model API's rule for model names and tags (its routes refuse anything else).</summary>
    public const string ModelApiRule = "^[a-z0-9][a-z0-9-]+$";

    /// <summary>What <see cref="ModelApiRule"/> means, for messages.</summary>
    public const string ModelApiRuleText = ModelApiRule + " (lower-case letters, digits and '-', not starting with '-', at least two characters)";

    /// <summary>Names that are not a repository path component without dots (<c>[a-z0-9]+((_|__|-+)[a-z0-9]+)*</c>).</summary>
    internal const string InvalidModelNamePatterns = "*[!" + Lower + "_-]*|[_-]*|*[_-]|*___*|*_-*|*-_*";

    /// <summary>Tags that are not <c>[A-Za-z0-9_][A-Za-z0-9_-]*</c> (the length is checked separately).</summary>
    internal const string InvalidModelTagPatterns = "*[!" + Any + "_-]*|-*";

    /// <summary>Names and tags the generator accepts but the Model API does not (<see cref="ModelApiRule"/>).</summary>
    internal const string OutsideModelApiPatterns = "*[!" + Lower + "-]*|-*|?";

    /// <summary>PUSH_RETRY values that are not 0 to 9999.</summary>
    internal const string InvalidPushRetryPatterns = "*[!0123456789]*|?????*";

    /// <summary>Whether a variable's value is shown as <c>***</c>: its name contains PASSWORD, SECRET, TOKEN or KEY (any case).</summary>
    public static bool IsSecretName(string name) =>
        SecretMarkers.Any(m => name.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>The name parts that mark a value as secret.</summary>
    public static IReadOnlyList<string> SecretMarkers { get; } = ["PASSWORD", "SECRET", "TOKEN", "KEY"];
}
