namespace Metagenerator.Entrypoint;

/// <summary>The generator's input error messages, written into the script's steps once.</summary>
internal static class GeneratorMessages
{
    /// <summary>MODEL_NAME missing or empty.</summary>
    public const string ModelNameMissing = "MODEL_NAME is not set: set it to the model's name, " + ModelNaming.ModelNameRule;

    /// <summary>MODEL_NAME malformed.</summary>
    public const string ModelNameInvalid = "MODEL_NAME is invalid: it must be " + ModelNaming.ModelNameRule;

    /// <summary>MODEL_TAG missing or empty.</summary>
    public const string ModelTagMissing = "MODEL_TAG is not set: set it to the model's tag, " + ModelNaming.ModelTagRule;

    /// <summary>MODEL_TAG malformed.</summary>
    public const string ModelTagInvalid = "MODEL_TAG is invalid: it must be " + ModelNaming.ModelTagRule;

    /// <summary>PUSH_RETRY malformed.</summary>
    public const string PushRetryInvalid = "PUSH_RETRY is invalid: it must be a whole number from 0 to 9999";

    /// <summary>VERBOSITY not a known level.</summary>
    public static readonly string VerbosityInvalid = "VERBOSITY is invalid: it must be one of " + string.Join(", ", ModelNaming.VerbosityLevels);

    /// <summary>MODEL_NAME or MODEL_TAG valid here but refused by the Model API (after the variable and value).</summary>
    public const string OutsideModelApi = " is accepted for a direct run, but the Model API only accepts model names and tags matching " + ModelNaming.ModelApiRuleText;

    /// <summary>A value flag ends EXTRA_FLAGS (followed by the flag name).</summary>
    public const string ExtraFlagNeedsValue = "EXTRA_FLAGS: a flag needs a value after it: ";
}
