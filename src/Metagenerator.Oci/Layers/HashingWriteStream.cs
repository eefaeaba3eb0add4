using System.Security.Cryptography;

namespace Metagenerator.Oci.Layers;

/// <summary>A write-only pass-through stream that hashes and counts what goes through it.</summary>
internal sealed class HashingWriteStream(Stream inner, bool leaveOpen) : WriteFilterStream(inner, leaveOpen)
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The sha256 of everything written; call once, after the last write.</summary>
    public Digest GetDigest() => Digest.FromSha256Hash(_hash.GetHashAndReset());

    protected override void WriteChunk(ReadOnlySpan<byte> buffer, long offset)
    {
        _hash.AppendData(buffer);
        Inner.Write(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
