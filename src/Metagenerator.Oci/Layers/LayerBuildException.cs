namespace Metagenerator.Oci.Layers;

/// <summary>A layer could not be built because of one file or path, named in <see cref="Path"/>.</summary>
public sealed class LayerBuildException : MetageneratorException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public LayerBuildException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", ErrorCategory.InvalidInput, innerException: inner)
    {
        Path = path;
        Reason = message;
    }

    /// <summary>The offending host path (or target path for in-memory files).</summary>
    public string Path { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Reason { get; }
}
