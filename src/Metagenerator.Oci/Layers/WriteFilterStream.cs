namespace Metagenerator.Oci.Layers;

/// <summary>
/// Base of the write-only pass-through streams in the layer pipeline: subclasses see each chunk
/// with its offset; the Stream boilerplate and the byte count live here once.
/// </summary>
internal abstract class WriteFilterStream(Stream inner, bool leaveOpen) : Stream
{
    /// <summary>The stream the bytes go on to.</summary>
    protected Stream Inner { get; } = inner;

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Handles one chunk that starts at <paramref name="offset"/> of the whole output.</summary>
    protected abstract void WriteChunk(ReadOnlySpan<byte> buffer, long offset);

    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        WriteChunk(buffer, BytesWritten);
        BytesWritten += buffer.Length;
    }

    public sealed override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public sealed override void WriteByte(byte value) => Write([value]);

    public override void Flush() => Inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen) Inner.Dispose();
        base.Dispose(disposing);
    }
}
