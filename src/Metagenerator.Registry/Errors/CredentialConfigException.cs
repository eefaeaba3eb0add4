namespace Metagenerator.Registry.Errors;

/// <summary>A Docker config file or credential helper could not be used; the message names the file, key or helper.</summary>
public sealed class CredentialConfigException : MetageneratorException
{
    /// <summary>Creates the exception.</summary>
    public CredentialConfigException(string message, string? configPath, Exception? innerException = null)
        : base(message, ErrorCategory.InvalidInput, innerException: innerException)
    {
        ConfigPath = configPath;
    }

    /// <summary>The config file concerned, if any.</summary>
    public string? ConfigPath { get; }
}
