using System.Security.Cryptography;
using Metagenerator.Oci;

namespace Metagenerator.Registry.Http;

/// <summary>
/// A blob download as it arrives: no more than its size is read, a stall longer than the idle timeout ends it, and at
/// the end its digest and size are checked, so content that is not the blob is a <see cref="RegistryException"/> naming
/// the registry and repository, whoever reads it.
/// </summary>
internal sealed class VerifiedBlobStream : Stream
{
    private readonly Stream _inner;
    private readonly HttpResponseMessage _response;
    private readonly RegistryRequestContext _ctx;
    private readonly Digest _digest;
    private readonly long _size;
    private readonly Func<Exception, RegistryRequestContext, RegistryException> _networkError;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private bool _verified;

    /// <param name="inner">The response body.</param>
    /// <param name="response">The response, disposed with this stream.</param>
    /// <param name="ctx">The download, for messages and the idle timeout.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="size">The blob's size, or -1 when only the digest is known.</param>
    /// <param name="networkError">Turns a failed read into a <see cref="RegistryException"/>.</param>
    public VerifiedBlobStream(Stream inner, HttpResponseMessage response, RegistryRequestContext ctx, Digest digest, long size,
        Func<Exception, RegistryRequestContext, RegistryException> networkError)
    {
        _inner = inner;
        _response = response;
        _ctx = ctx;
        _digest = digest;
        _size = size >= 0 ? size : response.Content.Headers.ContentLength ?? -1;
        _networkError = networkError;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _size >= 0 ? _size : throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.IsEmpty) return 0;
        // One byte more than the blob may hold, so an overlong body is noticed without reading on.
        if (_size >= 0 && buffer.Length > _size - _position + 1) buffer = buffer[..(int)(_size - _position + 1)];
        int read;
        using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            idle.CancelAfter(_ctx.IdleTimeout);
            try
            {
                read = await _inner.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw _networkError(new TimeoutException($"no bytes arrived for {RequestDeadline.Seconds(_ctx.IdleTimeout)}", e), _ctx);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw _networkError(e, _ctx);
            }
        }
        if (read == 0)
        {
            Verify();
            return 0;
        }
        _position += read;
        if (_size >= 0 && _position > _size)
            throw Bad($"the registry sent more than the blob's {_size} bytes");
        _hash.AppendData(buffer.Span[..read]);
        // Checked as soon as the last byte is here: a reader that stops at the blob's size still gets the verdict.
        if (_position == _size) Verify();
        return read;
    }

    private void Verify()
    {
        if (_verified) return;
        _verified = true;
        if (_size >= 0 && _position != _size)
            throw Bad($"the registry sent {_position} bytes, not the blob's {_size}");
        var actual = Digest.FromSha256Hash(_hash.GetHashAndReset());
        if (_digest.Algorithm == "sha256" && actual != _digest)
            throw Bad($"the registry sent content with digest {actual}, not {_digest}");
    }

    private RegistryException Bad(string what) =>
        ErrorFactory.Failed(_ctx, what);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _response.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
