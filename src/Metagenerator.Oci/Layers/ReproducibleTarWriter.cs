using System.Text;

namespace Metagenerator.Oci.Layers;

/// <summary>
/// Writes a POSIX tar (ustar headers, PAX extended headers only where ustar cannot hold a field)
/// with nothing that depends on the host: uid/gid 0, no user or group names, one fixed mtime.
/// </summary>
/// <remarks>
/// Hand-written rather than System.Formats.Tar so that every header byte is pinned by this code
/// (PaxTarEntry adds atime/ctime records on some runtime versions). POSIX.1-2001 pax format.
/// </remarks>
internal sealed class ReproducibleTarWriter
{
    private const int Block = 512;
    private const long MaxUstarSize = 0x1_FFFF_FFFF; // 11 octal digits
    private static readonly byte[] Zeros = new byte[Block * 2];

    private readonly Stream _output;
    private readonly long _mtime;
    private readonly byte[] _header = new byte[Block];

    public ReproducibleTarWriter(Stream output, long mtimeSeconds)
    {
        _output = output;
        _mtime = mtimeSeconds;
    }

    /// <summary>A directory entry; <paramref name="name"/> has no trailing slash.</summary>
    public void WriteDirectory(string name) => WriteHeader(name + "/", '5', 0x1ED /* 0755 */, 0, "");

    /// <summary>A symbolic link entry.</summary>
    public void WriteSymlink(string name, string target) => WriteHeader(name, '2', 0x1FF /* 0777 */, 0, target);

    /// <summary>A regular file header; the caller then writes exactly <paramref name="size"/> bytes and calls <see cref="WritePadding"/>.</summary>
    public void WriteFileHeader(string name, long size, int mode) => WriteHeader(name, '0', mode, size, "");

    /// <summary>Pads file data of <paramref name="size"/> bytes to the block size.</summary>
    public void WritePadding(long size)
    {
        var rest = (int)(size % Block);
        if (rest != 0) _output.Write(Zeros, 0, Block - rest);
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public void Finish() => _output.Write(Zeros, 0, Block * 2);

    private void WriteHeader(string name, char type, int mode, long size, string linkName)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var linkBytes = Encoding.UTF8.GetBytes(linkName);
        var pax = new List<(string Key, byte[] Value)>();

        byte[] prefixField = [];
        byte[] nameField = nameBytes;
        if (!IsAscii(nameBytes) || !TrySplitUstarName(nameBytes, out prefixField, out nameField))
        {
            pax.Add(("path", nameBytes));
            prefixField = [];
            nameField = AsciiTruncate(nameBytes, 100);
        }
        if (!IsAscii(linkBytes) || linkBytes.Length > 100)
        {
            pax.Add(("linkpath", linkBytes));
            linkBytes = AsciiTruncate(linkBytes, 100);
        }
        var headerSize = size;
        if (size > MaxUstarSize)
        {
            pax.Add(("size", Encoding.ASCII.GetBytes(size.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            headerSize = 0;
        }

        if (pax.Count > 0)
        {
            var records = EncodePax(pax);
            var baseName = name.TrimEnd('/');
            baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
            var paxName = AsciiTruncate(Encoding.UTF8.GetBytes("PaxHeaders.0/" + baseName), 100);
            FillHeader(paxName, [], 'x', 0x1A4 /* 0644 */, records.Length, []);
            _output.Write(_header);
            _output.Write(records);
            WritePadding(records.Length);
        }

        FillHeader(nameField, prefixField, type, mode, headerSize, linkBytes);
        _output.Write(_header);
    }

    private void FillHeader(byte[] name, byte[] prefix, char type, int mode, long size, byte[] linkName)
    {
        var h = _header.AsSpan();
        h.Clear();
        name.CopyTo(h[..100]);
        WriteOctal(h.Slice(100, 8), mode);
        WriteOctal(h.Slice(108, 8), 0); // uid
        WriteOctal(h.Slice(116, 8), 0); // gid
        WriteOctal(h.Slice(124, 12), size);
        WriteOctal(h.Slice(136, 12), _mtime);
        h.Slice(148, 8).Fill((byte)' ');
        h[156] = (byte)type;
        linkName.CopyTo(h.Slice(157, 100));
        "ustar\0"u8.CopyTo(h.Slice(257, 6));
        "00"u8.CopyTo(h.Slice(263, 2));
        // uname (265) and gname (297) stay empty.
        WriteOctal(h.Slice(329, 8), 0); // devmajor
        WriteOctal(h.Slice(337, 8), 0); // devminor
        prefix.CopyTo(h.Slice(345, 155));

        var sum = 0;
        foreach (var b in h) sum += b;
        WriteOctal(h.Slice(148, 7), sum); // six digits and NUL, then the space already there
    }

    /// <summary>Zero-padded octal digits filling all but the last byte, which is NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        for (var i = field.Length - 2; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        field[^1] = 0;
    }

    private static bool TrySplitUstarName(byte[] name, out byte[] prefix, out byte[] rest)
    {
        prefix = [];
        rest = name;
        if (name.Length <= 100) return true;
        // Split at a slash so that the prefix fits 155 bytes and the rest 100 (rest must not be empty).
        for (var i = Math.Min(name.Length - 1, 155); i > 0; i--)
        {
            if (name[i] != (byte)'/') continue;
            if (name.Length - i - 1 > 100) return false;
            if (name.Length - i - 1 == 0) continue;
            prefix = name[..i];
            rest = name[(i + 1)..];
            return true;
        }
        return false;
    }

    private static bool IsAscii(byte[] bytes)
    {
        foreach (var b in bytes)
            if (b is 0 or >= 0x80) return false;
        return true;
    }

    private static byte[] AsciiTruncate(byte[] bytes, int max)
    {
        var ascii = bytes.Select(b => b >= 0x80 ? (byte)'_' : b).ToArray();
        return ascii.Length <= max ? ascii : ascii[..max];
    }

    private static byte[] EncodePax(List<(string Key, byte[] Value)> records)
    {
        using var ms = new MemoryStream();
        foreach (var (key, value) in records)
        {
            // "<length> <key>=<value>\n", where length counts its own digits.
            var rest = Encoding.ASCII.GetByteCount(key) + value.Length + 3;
            var length = rest + 1;
            while (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + rest != length) length++;
            ms.Write(Encoding.ASCII.GetBytes($"{length} {key}="));
            ms.Write(value);
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }
}
