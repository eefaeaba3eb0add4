namespace Metagenerator.Entrypoint;

/// <summary>A generator run's input (an environment variable) is invalid; the message names the variable and what is allowed.</summary>
public sealed class GeneratorInputException(string variable, string message) : MetageneratorException(message, ErrorCategory.InvalidInput)
{
    /// <summary>The environment variable that was wrong.</summary>
    public string Variable { get; } = variable;
}
