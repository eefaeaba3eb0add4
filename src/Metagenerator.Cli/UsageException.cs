namespace Metagenerator.Cli;

/// <summary>A mistake in the command line or environment that the user can fix; exit code 2.</summary>
public sealed class UsageException(string message) : MetageneratorException(message, ErrorCategory.InvalidInput);
