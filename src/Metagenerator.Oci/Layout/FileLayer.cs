namespace Metagenerator.Oci;

/// <summary>A layer blob stored in a local file (e.g. in an OCI layout's <c>blobs/</c>).</summary>
public sealed class FileLayer(Descriptor descriptor, string filePath) : ILayer
{
    /// <inheritdoc/>
    public Descriptor Descriptor { get; } = descriptor;

    /// <summary>The file holding the compressed blob.</summary>
    public string FilePath { get; } = filePath;

    /// <inheritdoc/>
    public Task<Stream> OpenCompressedAsync(CancellationToken ct = default)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"layer blob {Descriptor.Digest} is missing: {FilePath} does not exist", FilePath, e);
        }
    }
}
