namespace Metagenerator.Oci;

/// <summary>
/// Pass-through write stream that pins the variable bytes of a gzip member header: MTIME (bytes 4–7)
/// to 0 and OS (byte 9) to 255 "unknown", as Go's compress/gzip writes it.
/// </summary>
/// <remarks>
/// .NET's GZipStream (zlib-ng) writes MTIME 0 but an OS byte that depends on the build platform
/// (3 on Unix, 10 on Windows), which would make the layer digest depend on where it was built.
/// RFC 1952 §2.3.
/// </remarks>
internal sealed class GzipHeaderNormalizingStream(Stream inner) : WriteFilterStream(inner, leaveOpen: true)
{
    protected override void WriteChunk(ReadOnlySpan<byte> buffer, long offset)
    {
        if (offset < 10 && buffer.Length > 0)
        {
            var head = buffer[..(int)Math.Min(buffer.Length, 10 - offset)].ToArray();
            for (var i = 0; i < head.Length; i++)
            {
                var at = offset + i;
                if (at is >= 4 and <= 7) head[i] = 0;
                else if (at == 9) head[i] = 255;
            }
            Inner.Write(head);
            buffer = buffer[head.Length..];
        }
        Inner.Write(buffer);
    }
}
