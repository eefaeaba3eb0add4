using System.Security.Cryptography;

namespace Metagenerator.Oci.Blobs;

/// <summary>
/// A read-only pass-through stream that checks a blob against its descriptor as it is read: more bytes than the
/// descriptor's size fail at once, a wrong digest or a short blob at the end. Whoever reads a blob so learns where
/// bad data came from (go-containerregistry's verify.ReadCloser does the same).
/// </summary>
internal sealed class VerifyingReadStream(Stream inner, Descriptor descriptor, string origin, string location) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public override int Read(Span<byte> buffer) => Check(buffer, inner.Read(buffer));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Check(buffer.Span, n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Check(Span<byte> buffer, int n)
    {
        if (n > 0)
        {
            _read += n;
            if (_read > descriptor.Size) throw new BlobContentMismatchException(origin, descriptor, default, _read, location);
            _hash.AppendData(buffer[..n]);
        }
        else if (!_verified && buffer.Length > 0)
        {
            _verified = true;
            var actual = Digest.FromSha256Hash(_hash.GetHashAndReset());
            if (actual != descriptor.Digest || _read != descriptor.Size)
                throw new BlobContentMismatchException(origin, descriptor, actual, _read, location);
        }
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => descriptor.Size;
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
