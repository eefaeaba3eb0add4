namespace Metagenerator.Registry.Http;

/// <summary>Reads a response body into memory with a size limit enforced while reading (never trusting Content-Length) and an idle timeout.</summary>
internal static class BoundedBody
{
    /// <summary>Largest manifest or config read into memory.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>Largest token server answer (a JWT is a few KiB).</summary>
    public const int MaxTokenBytes = 1024 * 1024;

    /// <summary>How much of an error body is read (the rest is ignored).</summary>
    public const int MaxErrorBytes = 64 * 1024;

    /// <summary>The body; <see cref="InvalidDataException"/> as soon as more than <paramref name="limit"/> bytes arrived, <see cref="TimeoutException"/> when it stalls.</summary>
    public static async Task<byte[]> ReadAsync(HttpContent content, int limit, TimeSpan idle, CancellationToken ct)
    {
        var (bytes, complete) = await ReadUpToAsync(content, limit, idle, ct).ConfigureAwait(false);
        return complete ? bytes : throw new InvalidDataException($"the answer is larger than {limit} bytes, more than is read into memory");
    }

    /// <summary>At most <paramref name="limit"/> bytes of the body; <c>complete</c> is false when there was more.</summary>
    public static async Task<(byte[] Bytes, bool Complete)> ReadUpToAsync(HttpContent content, int limit, TimeSpan idle, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            int read;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(idle);
                try
                {
                    read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1L - buffer.Length)), timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"no bytes of the answer arrived for {RequestDeadline.Seconds(idle)}", e);
                }
            }
            if (read == 0) return (buffer.ToArray(), true);
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) return (buffer.GetBuffer().AsSpan(0, limit).ToArray(), false);
        }
    }
}
