using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Metagenerator.Oci.Layers;

/// <summary>
/// A write-only stream that hands fixed-size chunks to a consumer thread writing to <c>inner</c>,
/// so the writer (tar + diffID hashing) and the consumer (compression + digest) run in parallel.
/// At most <c>maxQueuedChunks + 2</c> chunks exist, so memory stays bounded.
/// </summary>
internal sealed class ChunkPipe : Stream
{
    private readonly Stream _inner;
    private readonly BlockingCollection<(byte[] Buffer, int Length)> _full;
    private readonly BlockingCollection<byte[]> _free = new();
    private readonly Thread _consumer;
    private byte[] _current;
    private int _filled;
    private volatile bool _abort;
    private ExceptionDispatchInfo? _error;
    private bool _completed;

    public ChunkPipe(Stream inner, int chunkSize, int maxQueuedChunks)
    {
        _inner = inner;
        _full = new BlockingCollection<(byte[], int)>(maxQueuedChunks);
        for (var i = 0; i < maxQueuedChunks + 1; i++) _free.Add(new byte[chunkSize]);
        _current = new byte[chunkSize];
        _consumer = new Thread(Consume) { IsBackground = true, Name = "layer-compressor" };
        _consumer.Start();
    }

    private void Consume()
    {
        foreach (var (buffer, length) in _full.GetConsumingEnumerable())
        {
            if (!_abort)
            {
                try
                {
                    _inner.Write(buffer, 0, length);
                }
                catch (Exception e)
                {
                    _error = ExceptionDispatchInfo.Capture(e);
                    _abort = true;
                }
            }
            _free.Add(buffer);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var n = Math.Min(buffer.Length, _current.Length - _filled);
            buffer[..n].CopyTo(_current.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _current.Length) Hand();
        }
    }

    private void Hand()
    {
        _error?.Throw();
        _full.Add((_current, _filled));
        _current = _free.Take();
        _filled = 0;
    }

    /// <summary>Sends the last partial chunk, waits until the consumer has written everything, and rethrows its failure.</summary>
    public void Complete()
    {
        if (_completed) return;
        _completed = true;
        if (_filled > 0) Hand();
        _full.CompleteAdding();
        _consumer.Join();
        _error?.Throw();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() { }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_completed)
        {
            // Abandoned after a failure on the writing side: stop writing, let the thread drain and end.
            _completed = true;
            _abort = true;
            _full.CompleteAdding();
            _consumer.Join();
        }
        if (disposing)
        {
            _full.Dispose();
            _free.Dispose();
        }
        base.Dispose(disposing);
    }
}
