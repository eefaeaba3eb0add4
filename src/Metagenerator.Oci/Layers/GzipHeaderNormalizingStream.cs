namespace Metagenerator.Oci;

/// <summary>
/// Pass-through write stream that pins the variable bytes of a gzip member header: MTIME (bytes 4–7)
/// to 0 and OS (byte 9) to 255 "unknown", as Go's compress/gzip writes it.
/// </summary>
/// <remarks>
/// .NET's GZipStream (zlib-ng) writes MTIME 0 but an OS byte that depends on the build platform
/// (3 on Unix, 10 on Windows), which would make the layer digest depend on where it was built.
/// RFC 1952 §2.3.
/// </remarks>
internal sealed class GzipHeaderNormalizingStream : Stream
{
    private readonly Stream _inner;
    private long _position;

    public GzipHeaderNormalizingStream(Stream inner) => _inner = inner;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_position < 10 && buffer.Length > 0)
        {
            var head = buffer[..(int)Math.Min(buffer.Length, 10 - _position)].ToArray();
            for (var i = 0; i < head.Length; i++)
            {
                var at = _position + i;
                if (at is >= 4 and <= 7) head[i] = 0;
                else if (at == 9) head[i] = 255;
            }
            _inner.Write(head);
            _position += head.Length;
            buffer = buffer[head.Length..];
        }
        _inner.Write(buffer);
        _position += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => _inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
