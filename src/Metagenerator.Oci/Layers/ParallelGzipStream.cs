using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.ExceptionServices;

namespace Metagenerator.Oci.Layers;

/// <summary>
/// A write-only stream that gzips what is written to it on several cores, pigz-style, into one gzip
/// member whose bytes do not depend on how many cores did the work.
/// </summary>
/// <remarks>
/// The input is cut into chunks of a fixed size (<see cref="ChunkSize"/>, never derived from the core
/// count). Each chunk is deflated on its own, with no shared dictionary, and ends with a sync flush
/// (an empty stored block, so it ends byte-aligned and not final); the last chunk ends with a final
/// block. A chunk that does not compress (four 16 KiB samples barely deflate, or the whole deflates
/// larger) is written as stored blocks instead, so already-compressed data costs neither CPU nor
/// growth. Concatenated in order the chunks form one valid deflate stream, so every chunk's bytes
/// depend only on that chunk's input and the level. The header is written here with MTIME 0 and OS 255 "unknown"
/// as Go's compress/gzip writes it (GZipStream would write an OS byte that depends on the platform
/// this program was built for) and the trailer holds the CRC-32 and the
/// size mod 2^32 of all input (RFC 1951 §3.2.3, RFC 1952 §2.3). At most <c>workers + 1</c> chunks are
/// in flight, so memory stays bounded; compressed chunks are written to the inner stream in order, on
/// the writing thread. Disposing finishes the member (writes the last chunk and the trailer).
/// </remarks>
internal sealed class ParallelGzipStream : WriteFilterStream
{
    /// <summary>Uncompressed bytes per independently deflated chunk; a constant, so the output is the same on any machine.</summary>
    public const int ChunkSize = 1 << 20;

    /// <summary>The most worker threads used, however many cores there are.</summary>
    public const int MaxWorkers = 4;

    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00];

    /// <summary>The most a stored deflate block holds.</summary>
    private const int MaxStoredBlock = ushort.MaxValue;

    /// <summary>How many samples of a chunk are deflated first to tell whether the chunk compresses at all.</summary>
    private const int Probes = 4;

    /// <summary>The size of each sample (together 1/16 of a chunk).</summary>
    private const int ProbeSize = 16 * 1024;

    /// <summary>A probe that saves less than 1/2^this of its size (1/64, about 1.6%) marks its chunk as incompressible.</summary>
    private const int ProbeMinSavingShift = 6;

    private readonly int _level;
    private readonly int _maxInFlight;
    private readonly Thread[] _workers;
    private readonly BlockingCollection<Chunk> _todo = new();
    private readonly Queue<Chunk> _inFlight = new();
    private readonly Stack<Chunk> _spare = new();
    private readonly Crc32 _crc = new();
    private Chunk _current;
    private bool _finished;
    private bool _failed;
    private bool _disposed;

    /// <summary>The number of workers a machine with <paramref name="processorCount"/> cores gets.</summary>
    public static int DefaultWorkers(int processorCount) => Math.Clamp(processorCount, 1, MaxWorkers);

    /// <param name="inner">Receives the gzip bytes; left open.</param>
    /// <param name="level">zlib level 1–9.</param>
    /// <param name="workers">Threads deflating chunks; changes the speed, never the bytes.</param>
    public ParallelGzipStream(Stream inner, int level, int workers)
        : base(inner, leaveOpen: true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _level = level;
        _maxInFlight = workers + 1;
        _current = new Chunk();
        WriteHeader();
        _workers = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"gzip-worker-{i}" };
            _workers[i].Start();
        }
    }

    private void WriteHeader()
    {
        // zlib's XFL: 4 "fastest" for level 1, 2 "best" for level 9, else 0 (what GZipStream writes).
        byte xfl = _level switch { 1 => 4, 9 => 2, _ => 0 };
        Inner.Write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 255]);
    }

    private void Work()
    {
        foreach (var chunk in _todo.GetConsumingEnumerable())
        {
            try
            {
                chunk.Compress(_level);
            }
            catch (Exception e)
            {
                chunk.Error = ExceptionDispatchInfo.Capture(e);
            }
            chunk.Done.Set();
        }
    }

    protected override void WriteChunk(ReadOnlySpan<byte> buffer, long offset)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (buffer.Length > 0)
        {
            var n = Math.Min(buffer.Length, ChunkSize - _current.InputLength);
            buffer[..n].CopyTo(_current.Input.AsSpan(_current.InputLength));
            _current.InputLength += n;
            buffer = buffer[n..];
            if (_current.InputLength == ChunkSize) Submit(last: false);
        }
    }

    private void Submit(bool last)
    {
        var chunk = _current;
        chunk.Last = last;
        var input = chunk.Input.AsSpan(0, chunk.InputLength);
        _crc.Append(input);
        _inFlight.Enqueue(chunk);
        _todo.Add(chunk);
        _current = last ? null! : _spare.TryPop(out var spare) ? spare : new Chunk();
        try
        {
            while (_inFlight.Count > (last ? 0 : _maxInFlight - 1)) WriteOldest();
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    private void WriteOldest()
    {
        var chunk = _inFlight.Dequeue();
        chunk.Done.Wait();
        chunk.Error?.Throw();
        Inner.Write(chunk.Output.GetBuffer(), 0, (int)chunk.Output.Length);
        chunk.Reset();
        _spare.Push(chunk);
    }

    /// <summary>Deflates what is left, waits for every chunk, and writes the trailer. Called by Dispose.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        Submit(last: true);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)BytesWritten);
        Inner.Write(trailer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            try
            {
                // After a failed write the member is abandoned: nothing more is compressed or written.
                if (!_failed) Finish();
            }
            finally
            {
                _todo.CompleteAdding();
                foreach (var worker in _workers) worker.Join();
                _todo.Dispose();
                foreach (var chunk in _spare.Concat(_inFlight)) chunk.Done.Dispose();
                _current?.Done.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>One chunk of input and, once a worker is done with it, its deflate bytes.</summary>
    private sealed class Chunk
    {
        public byte[] Input { get; } = new byte[ChunkSize];
        public int InputLength { get; set; }
        public bool Last { get; set; }
        // Level 1 (static Huffman codes) can grow incompressible input by up to 1/8.
        public MemoryStream Output { get; } = new(ChunkSize + (ChunkSize >> 3) + 64);
        public ManualResetEventSlim Done { get; } = new();
        public ExceptionDispatchInfo? Error { get; set; }

        /// <summary>Receives the deflated samples (<see cref="LooksIncompressible"/>).</summary>
        private readonly MemoryStream _probe = new(ProbeSize + (ProbeSize >> 3) + 64);

        public void Compress(int level)
        {
            if (InputLength == 0)
            {
                // Only the last chunk can be empty: the stream then just needs its final block.
                Output.Write(EmptyFinalBlock);
                return;
            }
            var input = Input.AsSpan(0, InputLength);
            if (!LooksIncompressible(input, level))
            {
                Deflate(Output, input, level, Last);
                // Deflate can still lose over the whole chunk (level 1 codes random bytes with static Huffman codes).
                if (Output.Length <= StoredLength(InputLength)) return;
                Output.SetLength(0);
            }
            WriteStored(Output, input, Last);
        }

        /// <summary>
        /// True when <see cref="Probes"/> samples spread over the chunk each deflate to almost nothing less (already
        /// compressed data: archives, images, compressed arrays); the chunk is then stored without deflating it. Decided
        /// from the chunk's own bytes only, so the output still does not depend on the core count.
        /// </summary>
        private bool LooksIncompressible(ReadOnlySpan<byte> input, int level)
        {
            if (input.Length < Probes * ProbeSize) return false;
            var stride = input.Length / Probes;
            for (var i = 0; i < Probes; i++)
            {
                var probe = input.Slice(i * stride, ProbeSize);
                _probe.SetLength(0);
                Deflate(_probe, probe, level, last: true);
                if (_probe.Length < probe.Length - (probe.Length >> ProbeMinSavingShift)) return false;
            }
            return true;
        }

        /// <summary>Raw deflate of <paramref name="input"/>; unless <paramref name="last"/>, ending in a sync flush instead of a final block.</summary>
        private static void Deflate(MemoryStream output, ReadOnlySpan<byte> input, int level, bool last)
        {
            var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
            deflate.Write(input);
            if (last)
            {
                deflate.Dispose();
                return;
            }
            // Flush is a sync flush: everything so far, then an empty stored block ending on a byte boundary.
            // Disposing would add a final block; that part is cut off so the next chunk can follow.
            deflate.Flush();
            var flushed = output.Length;
            deflate.Dispose();
            output.SetLength(flushed);
        }

        /// <summary>The size of <paramref name="length"/> bytes as stored blocks: a 5-byte header per 65,535 bytes (RFC 1951 §3.2.4).</summary>
        private static long StoredLength(int length) => length + 5L * Math.Max(1, (length + MaxStoredBlock - 1) / MaxStoredBlock);

        /// <summary>
        /// <paramref name="input"/> as stored blocks. Every chunk starts on a byte boundary (the previous one ended in a
        /// sync flush or stored blocks), so each block is a 1-byte header (BFINAL, BTYPE 00, padding), LEN and NLEN.
        /// </summary>
        private static void WriteStored(MemoryStream output, ReadOnlySpan<byte> input, bool last)
        {
            Span<byte> header = stackalloc byte[5];
            do
            {
                var n = Math.Min(input.Length, MaxStoredBlock);
                header[0] = (byte)(last && n == input.Length ? 1 : 0);
                BinaryPrimitives.WriteUInt16LittleEndian(header[1..], (ushort)n);
                BinaryPrimitives.WriteUInt16LittleEndian(header[3..], (ushort)~n);
                output.Write(header);
                output.Write(input[..n]);
                input = input[n..];
            }
            while (input.Length > 0);
        }

        public void Reset()
        {
            InputLength = 0;
            Last = false;
            Output.SetLength(0);
            Done.Reset();
            Error = null;
        }
    }
}
