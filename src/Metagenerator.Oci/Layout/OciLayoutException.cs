namespace Metagenerator.Oci.Layout;

/// <summary>An OCI layout directory is missing, malformed, or lacks the requested image.</summary>
/// <remarks>The layout is the user's input (exit 2) unless the caller says otherwise, e.g. for corrupt base-image data.</remarks>
public sealed class OciLayoutException(string directory, string message, Exception? inner = null, ErrorCategory category = ErrorCategory.InvalidInput)
    : MetageneratorException($"OCI layout {directory}: {message}", category, innerException: inner)
{
    /// <summary>The layout directory.</summary>
    public string Directory { get; } = directory;
}
