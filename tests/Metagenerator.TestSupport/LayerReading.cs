using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Metagenerator.Oci;
using Metagenerator.Oci.Layers;

namespace Metagenerator.TestSupport;

/// <summary>Reads a built layer back with the BCL's tar reader (an independent implementation).</summary>
public static class LayerReading
{
    public sealed record Entry(string Name, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, string UserName, string GroupName, DateTimeOffset ModificationTime, string LinkName, byte[] Content, IReadOnlyDictionary<string, string> Pax);

    public static Stream OpenUncompressed(FileLayer layer)
    {
        var file = File.OpenRead(layer.FilePath);
        return layer.Descriptor.MediaType == MediaTypes.OciLayerZstd
            ? new ZstdSharp.DecompressionStream(file)
            : new GZipStream(file, CompressionMode.Decompress);
    }

    public static List<Entry> ReadEntries(FileLayer layer)
    {
        using var stream = OpenUncompressed(layer);
        using var reader = new TarReader(stream);
        var entries = new List<Entry>();
        while (reader.GetNextEntry(copyData: true) is { } e)
        {
            var content = Array.Empty<byte>();
            if (e.DataStream is not null)
            {
                using var ms = new MemoryStream();
                e.DataStream.CopyTo(ms);
                content = ms.ToArray();
            }
            var posix = e as PosixTarEntry;
            entries.Add(new Entry(e.Name, e.EntryType, e.Mode, e.Uid, e.Gid, posix?.UserName ?? "", posix?.GroupName ?? "", e.ModificationTime, e.LinkName, content,
                (e as PaxTarEntry)?.ExtendedAttributes ?? new Dictionary<string, string>()));
        }
        return entries;
    }

    public static Digest UncompressedDigest(FileLayer layer)
    {
        using var stream = OpenUncompressed(layer);
        return Digest.FromSha256Hash(SHA256.HashData(stream));
    }
}
