namespace Metagenerator.Oci;

/// <summary>A destination or base reference that cannot be parsed; invalid input.</summary>
public sealed class InvalidReferenceException(string message) : MetageneratorException(message, ErrorCategory.InvalidInput);
