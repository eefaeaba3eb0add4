namespace Metagenerator.Oci.Blobs;

/// <summary>
/// A blob's bytes do not match the digest or size its descriptor gives: the image's source (a registry, or an OCI
/// layout used as a base) holds bad data. Not the user's input and not a bug, so it has the registry category.
/// </summary>
public sealed class BlobContentMismatchException : MetageneratorException
{
    /// <summary>Creates the exception; <paramref name="origin"/> names where the blob was read from (e.g. <c>oci:DIR:TAG</c>).</summary>
    public BlobContentMismatchException(string origin, Descriptor expected, Digest actual, long actualSize, string? location = null)
        : base($"{origin}: blob {expected.Digest}{(location is null ? "" : $" ({location})")} does not match its descriptor: "
            + (actualSize > expected.Size ? $"it has more than the {expected.Size} bytes the descriptor gives" : $"it has digest {actual} and {actualSize} bytes, the descriptor says {expected.Size} bytes")
            + "; the image's source holds corrupt data: push or copy the image there again", ErrorCategory.Registry)
    {
        Origin = origin;
        Expected = expected;
    }

    /// <summary>Where the blob was read from.</summary>
    public string Origin { get; }

    /// <summary>The descriptor the bytes should match.</summary>
    public Descriptor Expected { get; }
}
