using System.Buffers.Binary;

namespace Metagenerator.Docker;

/// <summary>Which stream of the container a frame belongs to (the first byte of the frame header).</summary>
public enum ContainerStream
{
    /// <summary>Standard input (echoed back only when attached with stdin).</summary>
    StdIn = 0,

    /// <summary>Standard output.</summary>
    StdOut = 1,

    /// <summary>Standard error.</summary>
    StdErr = 2,
}

/// <summary>
/// Reads the Engine API's multiplexed stream (logs or attach of a container without a TTY): frames of an 8-byte header
/// (stream type, three zero bytes, payload size as big-endian uint32) followed by the payload.
/// </summary>
public static class MultiplexedStream
{
    private const int HeaderSize = 8;

    /// <summary>Reads frames from <paramref name="stream"/> until it ends, handing each payload to <paramref name="onFrame"/> as it arrives.</summary>
    /// <exception cref="InvalidDataException">A header with an unknown stream type, or a frame cut short.</exception>
    public static async Task ReadAsync(Stream stream, Func<ContainerStream, ReadOnlyMemory<byte>, ValueTask> onFrame, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(onFrame);
        var header = new byte[HeaderSize];
        var payload = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read == 0) return;
            if (read < HeaderSize) throw new InvalidDataException($"the engine's output stream ended inside a frame header ({read} of {HeaderSize} bytes)");
            if (header[0] > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0)
                throw new InvalidDataException($"the engine's output stream has a frame header of unknown stream type {header[0]} (a container with a TTY is not multiplexed)");
            var size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            var remaining = (long)size;
            while (remaining > 0)
            {
                var chunk = (int)Math.Min(remaining, payload.Length);
                var got = await stream.ReadAsync(payload.AsMemory(0, chunk), ct).ConfigureAwait(false);
                if (got == 0) throw new InvalidDataException($"the engine's output stream ended inside a frame ({size - remaining} of {size} bytes)");
                // Handed on as it arrives, so a long frame is not held back until it is complete.
                await onFrame((ContainerStream)header[0], payload.AsMemory(0, got)).ConfigureAwait(false);
                remaining -= got;
            }
        }
    }
}
