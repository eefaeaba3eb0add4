using System.Buffers.Binary;
using System.Text;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Docker.Tests;

/// <summary>The Engine API's multiplexed stream (logs of a container without a TTY), as the engine frames it.</summary>
[Tier(Tier.Unit)]
public class MultiplexedStreamTests
{
    private static byte[] Frame(byte stream, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    private static async Task<List<(ContainerStream Stream, string Text)>> ReadAsync(Stream input)
    {
        var frames = new List<(ContainerStream, string)>();
        await MultiplexedStream.ReadAsync(input, (s, bytes) =>
        {
            frames.Add((s, Encoding.UTF8.GetString(bytes.Span)));
            return ValueTask.CompletedTask;
        });
        return frames;
    }

    [Fact]
    public async Task Stdout_and_stderr_frames_come_apart_in_order()
    {
        var bytes = Frame(1, "building\n").Concat(Frame(2, "warning: x\n")).Concat(Frame(1, "pushed\n")).ToArray();

        var frames = await ReadAsync(new MemoryStream(bytes));

        Assert.Equal([(ContainerStream.StdOut, "building\n"), (ContainerStream.StdErr, "warning: x\n"), (ContainerStream.StdOut, "pushed\n")], frames);
    }

    [Fact]
    public async Task Headers_and_payloads_split_across_reads_are_put_together()
    {
        var bytes = Frame(1, "héllo\n").Concat(Frame(2, "")).Concat(Frame(2, "end")).ToArray();

        var stdout = new List<byte>();
        var stderr = new List<byte>();
        await MultiplexedStream.ReadAsync(new OneByteAtATime(bytes), (s, chunk) =>
        {
            // Bytes, not text: a chunk may end inside a UTF-8 sequence (the CLI decodes whole lines).
            (s == ContainerStream.StdOut ? stdout : stderr).AddRange(chunk.ToArray());
            return ValueTask.CompletedTask;
        });

        Assert.Equal("héllo\n", Encoding.UTF8.GetString([.. stdout]));
        Assert.Equal("end", Encoding.UTF8.GetString([.. stderr]));
    }

    [Fact]
    public async Task An_empty_stream_has_no_frames()
    {
        Assert.Empty(await ReadAsync(new MemoryStream()));
    }

    [Fact]
    public async Task A_frame_cut_short_is_an_error()
    {
        var bytes = Frame(1, "building\n")[..12];

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(new MemoryStream(bytes)));
        Assert.Contains("ended inside a frame (4 of 9 bytes)", e.Message);
    }

    [Fact]
    public async Task Raw_text_from_a_TTY_container_is_not_taken_for_frames()
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(new MemoryStream(Encoding.ASCII.GetBytes("generator: building\n"))));
        Assert.Contains("unknown stream type", e.Message);
    }

    /// <summary>A stream that hands out one byte per read, as a slow socket may.</summary>
    private sealed class OneByteAtATime(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, 1), cancellationToken);
    }
}
