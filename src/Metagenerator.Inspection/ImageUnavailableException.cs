namespace Metagenerator.Inspection;

/// <summary>The image to inspect is missing or cannot be read (registry or OCI layout); a registry-side failure.</summary>
public sealed class ImageUnavailableException(string message, Exception? innerException = null)
    : MetageneratorException(message, ErrorCategory.Registry, innerException: innerException);
