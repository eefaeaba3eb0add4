using System.IO.Compression;
using System.Security.Cryptography;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

[Tier(Tier.Tools)]
public class ParallelGzipStreamTests
{
    private const int Chunk = ParallelGzipStream.ChunkSize;

    /// <summary>Incompressible and compressible stretches, so chunks hold both stored and Huffman blocks.</summary>
    private static byte[] Input(int size)
    {
        var bytes = new byte[size];
        new Random(42).NextBytes(bytes);
        var text = "the quick brown fox jumps over the lazy dog\n"u8;
        for (var at = Chunk / 2; at < size; at += 2 * Chunk)
            for (var i = at; i < Math.Min(size, at + Chunk); i++) bytes[i] = text[i % text.Length];
        return bytes;
    }

    private static byte[] Gzip(byte[] input, int workers, int writeSize, int level = 1)
    {
        var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, level, workers))
            for (var at = 0; at < input.Length; at += writeSize)
                gzip.Write(input, at, Math.Min(writeSize, input.Length - at));
        return output.ToArray();
    }

    public static TheoryData<int> Sizes => new() { 0, 1, 100_000, Chunk, 2 * Chunk, 3 * Chunk + 12_345 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Same_bytes_with_one_worker_and_with_several_whatever_the_write_sizes(int size)
    {
        var input = Input(size);
        var one = Gzip(input, workers: 1, writeSize: Math.Max(1, size));
        Assert.Equal(one, Gzip(input, workers: 2, writeSize: 7_777));
        Assert.Equal(one, Gzip(input, workers: 4, writeSize: 65_536));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(9)]
    public void Header_is_normalised_and_trailer_holds_crc_and_size(int level)
    {
        var input = Input(2 * Chunk + 5);
        var gz = Gzip(input, workers: 2, writeSize: input.Length, level);
        // ID1 ID2 CM=deflate FLG=0, MTIME 0, XFL as zlib sets it, OS 255 "unknown" (RFC 1952 §2.3).
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, (byte)(level == 1 ? 4 : level == 9 ? 2 : 0), 255 }, gz[..10]);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(input), BitConverter.ToUInt32(gz, gz.Length - 8));
        Assert.Equal((uint)input.Length, BitConverter.ToUInt32(gz, gz.Length - 4));
    }

    [NeedsToolsTheory("gzip", "sh", "sha256sum")]
    [MemberData(nameof(Sizes))]
    public async Task Gnu_gzip_accepts_the_output_and_restores_the_input(int size)
    {
        using var dir = new TempDirectory();
        var input = Input(size);
        var path = dir.Combine("out.gz");
        File.WriteAllBytes(path, Gzip(input, workers: 4, writeSize: 100_000));

        await ExternalTool.RunCheckedAsync("gzip", "-t", path);
        var sum = await ExternalTool.RunCheckedAsync("sh", "-c", "gzip -dc \"$1\" | sha256sum", "sh", path);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(input)), sum.StdOut.Split(' ')[0]);
    }

    [Fact]
    public void A_failing_output_surfaces_its_error_and_stops_the_workers()
    {
        var input = Input(10 * Chunk);
        var output = new FailingAfterStream(limit: 2 * Chunk);
        var error = Assert.Throws<IOException>(() =>
        {
            using var gzip = new ParallelGzipStream(output, level: 1, workers: 2);
            gzip.Write(input);
        });
        Assert.Equal("disk full", error.Message);
        Assert.True(output.Length <= 2 * Chunk); // nothing more was written once it failed
    }

    /// <summary>A MemoryStream that fails like a full disk once it would hold more than its limit.</summary>
    private sealed class FailingAfterStream(int limit) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > limit) throw new IOException("disk full");
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Length + buffer.Length > limit) throw new IOException("disk full");
            base.Write(buffer);
        }
    }

    [Fact]
    public void Dotnet_gzip_reads_it_as_one_member()
    {
        var input = Input(3 * Chunk + 1);
        using var gzip = new GZipStream(new MemoryStream(Gzip(input, workers: 3, writeSize: 4096)), CompressionMode.Decompress);
        var restored = new MemoryStream();
        gzip.CopyTo(restored);
        Assert.Equal(input, restored.ToArray());
    }
}
