using Microsoft.Win32.SafeHandles;

namespace Metagenerator.Oci.Layers;

/// <summary>
/// A layer blob while <see cref="LayerBuilder"/> writes it, readable as it grows: a push can send the compressed
/// bytes while the rest are still being compressed.
/// </summary>
/// <remarks>
/// The reader gets only bytes the builder has already written through to the file, waits when it has caught up, ends
/// when the layer is complete, and fails when the build fails. It reads through a descriptor of its own, opened when
/// the file is created, so the builder's rename (or deletion) of the file does not disturb it.
/// </remarks>
public sealed class GrowingLayerFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly TaskCompletionSource<Descriptor> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _length;
    private int _readers;

    internal GrowingLayerFile(string path) =>
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>The finished layer's descriptor; faults with the build's exception when the build fails.</summary>
    public Task<Descriptor> Completion => _completion.Task;

    /// <summary>Bytes written through to the file so far.</summary>
    public long Length => Volatile.Read(ref _length);

    internal void Grew(long length)
    {
        Volatile.Write(ref _length, length);
        _changed.Release();
    }

    internal void Complete(Descriptor descriptor)
    {
        _completion.TrySetResult(descriptor);
        _changed.Release();
    }

    internal void Fail(Exception error)
    {
        _completion.TrySetException(error);
        _changed.Release();
    }

    /// <summary>The blob from its first byte, as it is written; the end of the stream is the end of the finished layer. One reader only.</summary>
    public Stream OpenRead()
    {
        if (Interlocked.Exchange(ref _readers, 1) != 0) throw new InvalidOperationException("a growing layer file has one reader");
        return new Reader(this);
    }

    /// <summary>Closes the reading descriptor.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        _changed.Dispose();
    }

    private async ValueTask<int> ReadAtAsync(long position, Memory<byte> buffer, CancellationToken ct)
    {
        while (true)
        {
            var length = Length;
            if (position < length)
                return await RandomAccess.ReadAsync(_handle, buffer[..(int)Math.Min(buffer.Length, length - position)], position, ct).ConfigureAwait(false);
            if (Completion.IsCompletedSuccessfully && position >= Completion.Result.Size) return 0;
            if (Completion.IsFaulted)
                throw new IOException($"the layer was not finished: {Completion.Exception!.InnerException!.Message}", Completion.Exception.InnerException);
            await _changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private sealed class Reader(GrowingLayerFile file) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (buffer.Length == 0) return 0;
            var n = await file.ReadAtAsync(_position, buffer, ct).ConfigureAwait(false);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    }
}
