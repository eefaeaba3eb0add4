namespace Metagenerator.Errors;

/// <summary>Who can fix a failure, which decides the exit code the CLI gives it.</summary>
public enum ErrorCategory
{
    /// <summary>The user's input is wrong: a manifest, a model source, a flag value, a local file.</summary>
    InvalidInput,

    /// <summary>A registry, its token server or the network failed or refused, or sent data that is not what it claims.</summary>
    Registry,

    /// <summary>An internal inconsistency: a bug in metagenerator.</summary>
    Bug,
}

/// <summary>
/// The base of every failure the libraries report on purpose. The message says what is wrong in library
/// terms (file, key, registry, what was expected); <see cref="Remedy"/> says what would fix it, and the CLI
/// alone turns that into flag names and <see cref="Category"/> into an exit code.
/// </summary>
public abstract class MetageneratorException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> is complete and user-facing, and holds no secret.</summary>
    protected MetageneratorException(string message, ErrorCategory category, Remedy? remedy = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Category = category;
        Remedy = remedy;
    }

    /// <summary>Who can fix it.</summary>
    public ErrorCategory Category { get; }

    /// <summary>What would fix it, when there is one well-known fix.</summary>
    public Remedy? Remedy { get; }
}

/// <summary>Invalid input that has no more specific exception type: a value, a local file or an environment variable.</summary>
public sealed class InvalidInputException(string message, Remedy? remedy = null, Exception? innerException = null)
    : MetageneratorException(message, ErrorCategory.InvalidInput, remedy, innerException);
