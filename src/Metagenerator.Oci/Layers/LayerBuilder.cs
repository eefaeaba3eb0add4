using Microsoft.Win32.SafeHandles;
using ZstdSharp;

namespace Metagenerator.Oci.Layers;

/// <summary>Builds one reproducible layer blob from a <see cref="LayerSpec"/>, in one streaming pass.</summary>
/// <remarks>
/// The tar holds entries sorted by path (ordinal), every parent directory, uid/gid 0, no user or group
/// names, modes normalised (directories 0755, files 0755 when any execute bit is set else 0644,
/// symlinks 0777) and one fixed mtime, so the same content gives the same diffID anywhere. The tar is
/// hashed (diffID) and compressed, and the compressed bytes hashed (digest) and written to a file, in
/// the same pass; a producer thread writes the tar while a consumer compresses, so reading files and
/// deflating overlap. gzip deflates fixed-size chunks on up to four cores (<see cref="ParallelGzipStream"/>)
/// with the same bytes whatever the core count. The compressed bytes are stable for a given build of
/// this program: they also depend on the bundled zlib-ng / ZstdSharp version.
/// </remarks>
public static class LayerBuilder
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>Writes the layer into <paramref name="outputDirectory"/> and returns it with its digest and diffID.</summary>
    /// <exception cref="LayerBuildException">A source path is missing, unreadable, a special file, or a symlink pointing outside its source.</exception>
    public static Task<FileLayer> BuildAsync(LayerSpec spec, string outputDirectory, CancellationToken ct = default) =>
        BuildAsync(spec, outputDirectory, started: null, ct);

    /// <summary>
    /// As <see cref="BuildAsync(LayerSpec, string, CancellationToken)"/>; <paramref name="started"/> gets the file as soon as
    /// it exists, before its first byte, so its bytes can be read (uploaded) while the rest are compressed. The
    /// <see cref="GrowingLayerFile"/> is the caller's to dispose.
    /// </summary>
    /// <exception cref="LayerBuildException">As for the other overload.</exception>
    public static async Task<FileLayer> BuildAsync(LayerSpec spec, string outputDirectory, Action<GrowingLayerFile>? started, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var mtime = spec.ModificationTime.ToUnixTimeSeconds();
        if (mtime < 0) throw new ArgumentException($"the layer modification time {spec.ModificationTime:O} is before 1970", nameof(spec));
        if (spec.Compression == LayerCompression.Zstd && spec.MediaTypeFamily == MediaTypeFamily.Docker)
            throw new ArgumentException("zstd layers need the OCI media types; Docker schema 2 has no zstd layer type", nameof(spec));
        ValidateLevel(spec);

        var entries = LayerEntries.Collect(spec.Sources, ct);
        Directory.CreateDirectory(outputDirectory);
        var tempPath = Path.Combine(outputDirectory, $"layer-{Guid.NewGuid():N}.tmp");
        GrowingLayerFile? growing = null;
        try
        {
            await using (File.Create(tempPath)) { }
            if (started is not null)
            {
                growing = new GrowingLayerFile(tempPath);
                started(growing);
            }
            var (digest, size, diffId, uncompressedSize) = await Task.Run(() => Write(entries, spec, mtime, tempPath, growing, ct), ct).ConfigureAwait(false);
            var extension = spec.Compression == LayerCompression.Zstd ? "tar.zst" : "tar.gz";
            var finalPath = Path.Combine(outputDirectory, $"{digest.Algorithm}-{digest.Hex}.{extension}");
            File.Move(tempPath, finalPath, overwrite: true);
            var descriptor = new Descriptor { MediaType = MediaTypeOf(spec), Digest = digest, Size = size };
            growing?.Complete(descriptor);
            return new FileLayer(descriptor, diffId, finalPath) { UncompressedSize = uncompressedSize };
        }
        catch (Exception e)
        {
            growing?.Fail(e);
            throw;
        }
        finally
        {
            if (File.Exists(tempPath)) File.Delete(tempPath);
        }
    }

    /// <summary>The media type a layer built from <paramref name="spec"/> gets.</summary>
    public static string MediaTypeOf(LayerSpec spec) => (spec.Compression, spec.MediaTypeFamily) switch
    {
        (LayerCompression.Zstd, _) => MediaTypes.OciLayerZstd,
        (_, MediaTypeFamily.Docker) => MediaTypes.DockerLayerGzip,
        _ => MediaTypes.OciLayerGzip,
    };

    /// <summary>
    /// The diffID (sha256 of the uncompressed tar) and tar size that <see cref="BuildAsync(LayerSpec, string, CancellationToken)"/> would produce,
    /// without compressing or writing anything: lets a rebuild reuse an existing blob whose diffID matches.
    /// </summary>
    /// <exception cref="LayerBuildException">As for <see cref="BuildAsync(LayerSpec, string, CancellationToken)"/>.</exception>
    public static async Task<(Digest DiffId, long UncompressedSize)> ComputeDiffIdAsync(LayerSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var mtime = spec.ModificationTime.ToUnixTimeSeconds();
        if (mtime < 0) throw new ArgumentException($"the layer modification time {spec.ModificationTime:O} is before 1970", nameof(spec));
        var entries = LayerEntries.Collect(spec.Sources, ct);
        return await Task.Run(() =>
        {
            using var hashing = new HashingWriteStream(Stream.Null, leaveOpen: true);
            WriteTar(entries, hashing, mtime, ct);
            return (hashing.GetDigest(), hashing.BytesWritten);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The compression levels <paramref name="compression"/> accepts: gzip 1–9, zstd 1–22 (the one rule; the CLI checks its flag with it).</summary>
    public static (int Min, int Max) CompressionLevelRange(LayerCompression compression) =>
        compression == LayerCompression.Zstd ? (1, 22) : (1, 9);

    /// <summary>The level used when none is given: fast ones, gzip 1 and zstd 3 (zstd's own default).</summary>
    public static int DefaultCompressionLevel(LayerCompression compression) =>
        compression == LayerCompression.Zstd ? 3 : 1;

    /// <summary>Fails unless <paramref name="level"/> is null (the default) or within <see cref="CompressionLevelRange"/>.</summary>
    /// <exception cref="InvalidInputException">The level is out of range.</exception>
    public static void CheckCompressionLevel(LayerCompression compression, int? level)
    {
        if (level is not { } l) return;
        var (min, max) = CompressionLevelRange(compression);
        if (l < min || l > max)
            throw new InvalidInputException($"compression level {l} is out of range for {compression.ToString().ToLowerInvariant()} ({min}–{max})");
    }

    private static void ValidateLevel(LayerSpec spec) => CheckCompressionLevel(spec.Compression, spec.CompressionLevel);

    private static (Digest Digest, long Size, Digest DiffId, long UncompressedSize) Write(
        IReadOnlyList<LayerEntry> entries, LayerSpec spec, long mtime, string path, GrowingLayerFile? growing, CancellationToken ct)
    {
        // Unbuffered: the compressors write whole chunks, and a reader of the growing file must only be told of bytes
        // that have reached the file.
        using var file = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.Read, bufferSize: 0);
        using Stream written = growing is null ? file : new GrowthReportingStream(file, growing);
        using var compressedHash = new HashingWriteStream(written, leaveOpen: true);
        using (var compressor = OpenCompressor(spec, compressedHash))
        using (var pipe = new ChunkPipe(compressor, chunkSize: CopyBufferSize, maxQueuedChunks: 4))
        using (var tarHash = new HashingWriteStream(pipe, leaveOpen: true))
        {
            WriteTar(entries, tarHash, mtime, ct);
            pipe.Complete();
            compressor.Dispose(); // writes the trailer before the digest is taken
            var diffId = tarHash.GetDigest();
            var uncompressed = tarHash.BytesWritten;
            file.Flush(flushToDisk: false);
            return (compressedHash.GetDigest(), compressedHash.BytesWritten, diffId, uncompressed);
        }
    }

    private static Stream OpenCompressor(LayerSpec spec, Stream output)
    {
        if (spec.Compression == LayerCompression.Zstd)
        {
            var zstd = new CompressionStream(output, spec.CompressionLevel ?? DefaultCompressionLevel(LayerCompression.Zstd), bufferSize: 1 << 20, leaveOpen: true);
            zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
            return zstd;
        }
        return new ParallelGzipStream(output, spec.CompressionLevel ?? DefaultCompressionLevel(LayerCompression.Gzip), ParallelGzipStream.DefaultWorkers(Environment.ProcessorCount));
    }

    private static void WriteTar(IReadOnlyList<LayerEntry> entries, Stream output, long mtime, CancellationToken ct)
    {
        var tar = new ReproducibleTarWriter(output, mtime);
        var buffer = new byte[CopyBufferSize];
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            switch (entry.Kind)
            {
                case LayerEntryKind.Directory:
                    tar.WriteDirectory(entry.TargetPath);
                    break;
                case LayerEntryKind.Symlink:
                    tar.WriteSymlink(entry.TargetPath, entry.LinkTarget!);
                    break;
                case LayerEntryKind.InlineFile:
                    tar.WriteFileHeader(entry.TargetPath, entry.Content.Length, entry.Mode);
                    output.Write(entry.Content.Span);
                    tar.WritePadding(entry.Content.Length);
                    break;
                case LayerEntryKind.HostFile:
                    tar.WriteFileHeader(entry.TargetPath, entry.Size, entry.Mode);
                    CopyHostFile(entry, output, buffer, ct);
                    tar.WritePadding(entry.Size);
                    break;
            }
        }
        tar.Finish();
    }

    private static void CopyHostFile(LayerEntry entry, Stream output, byte[] buffer, CancellationToken ct)
    {
        using (var input = OpenListedFile(entry))
        {
            var remaining = entry.Size;
            while (remaining > 0)
            {
                ct.ThrowIfCancellationRequested();
                var n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (n == 0) throw new LayerBuildException(entry.HostPath!, "shrank while the layer was being written; build again when nothing is writing to the model source");
                output.Write(buffer, 0, n);
                remaining -= n;
            }
            if (input.Read(buffer, 0, 1) != 0)
                throw new LayerBuildException(entry.HostPath!, "grew while the layer was being written; build again when nothing is writing to the model source");
        }
    }

    /// <summary>
    /// Opens the file <paramref name="entry"/> lists, once, and checks that what was opened is that file: not a symlink
    /// now (O_NOFOLLOW), not a FIFO or device (O_NONBLOCK, so opening one does not wait for a writer), and the same
    /// device and inode as when the model source was listed (a directory on its path swapped for a symlink, or the file
    /// replaced). Only that descriptor is read.
    /// </summary>
    private static FileStream OpenListedFile(LayerEntry entry)
    {
        var path = entry.HostPath!;
        SafeFileHandle? handle;
        try
        {
            handle = UnixFileKinds.OpenReadNonBlocking(path, followSymlink: false);
            if (handle is null) return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (SymlinkFoundException)
        {
            throw Changed(path, "is now a symlink");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LayerBuildException(path, $"cannot be read: {e.Message}", e);
        }
        try
        {
            if (UnixFileKinds.Stat(handle) is { } opened)
            {
                if (opened.Kind != UnixFileKind.Regular) throw Changed(path, $"is now a {UnixFileKinds.Describe(opened.Kind)}");
                if (entry.Identity is { } listed && opened.Identity != listed) throw Changed(path, "is now another file (a different inode)");
            }
            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch (IOException e)
        {
            handle.Dispose();
            throw new LayerBuildException(path, $"cannot be read: {e.Message}", e);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static LayerBuildException Changed(string path, string now) =>
        new(path, $"changed while the layer was being built: it was a regular file when the model source was listed and {now}; build again when nothing is changing the model source");

    /// <summary>Tells a <see cref="GrowingLayerFile"/> how far the file has been written, after each write has reached it.</summary>
    private sealed class GrowthReportingStream(Stream file, GrowingLayerFile growing) : WriteFilterStream(file, leaveOpen: true)
    {
        protected override void WriteChunk(ReadOnlySpan<byte> buffer, long offset)
        {
            Inner.Write(buffer);
            growing.Grew(offset + buffer.Length);
        }
    }
}
