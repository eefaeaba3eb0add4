namespace Metagenerator.Oci;

/// <summary>An OCI layout directory is missing, malformed, or lacks the requested image.</summary>
public sealed class OciLayoutException(string directory, string message, Exception? inner = null)
    : Exception($"OCI layout {directory}: {message}", inner)
{
    /// <summary>The layout directory.</summary>
    public string Directory { get; } = directory;
}
