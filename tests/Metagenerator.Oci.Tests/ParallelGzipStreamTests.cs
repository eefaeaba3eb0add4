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

    private static byte[] Random(int size, int seed = 7)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Header (10), trailer (8), and 5 bytes per stored block of at most 65,535 bytes in each chunk; input that ends
    /// on a chunk boundary is followed by an empty last chunk, a 2-byte final block.
    /// </summary>
    private static long StoredSize(int size)
    {
        long blocks = 0;
        for (var at = 0; at < size; at += Chunk) blocks += (Math.Min(Chunk, size - at) + 65_534) / 65_535;
        return 18 + size + 5 * blocks + (size % Chunk == 0 ? 2 : 0);
    }

    private static readonly int[] SizeList = [0, 1, 100_000, Chunk, 2 * Chunk, 3 * Chunk + 12_345];

    public static TheoryData<int> Sizes => new(SizeList);

    /// <summary>Every size of <see cref="Sizes"/>, mixed; and random bytes, whose chunks are all stored.</summary>
    public static TheoryData<int, bool> GnuCases()
    {
        var cases = new TheoryData<int, bool>();
        foreach (var size in SizeList) cases.Add(size, false);
        cases.Add(3 * Chunk + 12_345, true);
        return cases;
    }

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
    [MemberData(nameof(GnuCases))]
    public async Task Gnu_gzip_accepts_the_output_and_restores_the_input(int size, bool random)
    {
        using var dir = new TempDirectory();
        var input = random ? Random(size) : Input(size);
        var path = dir.Combine("out.gz");
        File.WriteAllBytes(path, Gzip(input, workers: 4, writeSize: 100_000));

        await ExternalTool.RunCheckedAsync("gzip", "-t", path);
        var sum = await ExternalTool.RunCheckedAsync("sh", "-c", "gzip -dc \"$1\" | sha256sum", "sh", path);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(input)), sum.StdOut.Split(' ')[0]);
    }

    [Theory]
    [InlineData(Chunk)]
    [InlineData(3 * Chunk + 12_345)]
    public void Incompressible_chunks_are_stored_not_grown(int size)
    {
        var input = Random(size);
        var gz = Gzip(input, workers: 2, writeSize: 100_000);
        // Deflate at level 1 would code random bytes with static Huffman codes, about 5% larger.
        Assert.Equal(StoredSize(size), gz.Length);
        Assert.Equal(input, Gunzip(gz));
    }

    [Fact]
    public void A_chunk_half_random_half_text_is_still_deflated()
    {
        var input = Input(2 * Chunk); // chunk 0: random then text; chunk 1: text then random
        var gz = Gzip(input, workers: 2, writeSize: input.Length);
        Assert.True(gz.Length < input.Length * 3 / 4, $"{gz.Length} bytes for {input.Length}: the text halves were not deflated");
        Assert.Equal(input, Gunzip(gz));
    }

    [Fact]
    public void A_chunk_whose_samples_compress_but_whose_whole_grows_is_stored()
    {
        // Text in the first half of each of the four samples (at each quarter of the chunk), random bytes everywhere
        // else: each sample compresses, but the random 97% of the chunk grows by more than the text saves.
        var input = Random(Chunk);
        var text = "the quick brown fox jumps over the lazy dog\n"u8;
        for (var quarter = 0; quarter < 4; quarter++)
            for (var i = 0; i < 8 * 1024; i++) input[quarter * Chunk / 4 + i] = text[i % text.Length];
        var gz = Gzip(input, workers: 1, writeSize: input.Length);
        Assert.Equal(StoredSize(Chunk), gz.Length);
        Assert.Equal(input, Gunzip(gz));
    }

    private static byte[] Gunzip(byte[] gz)
    {
        using var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var restored = new MemoryStream();
        gzip.CopyTo(restored);
        return restored.ToArray();
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
        Assert.Equal(input, Gunzip(Gzip(input, workers: 3, writeSize: 4096)));
    }
}
