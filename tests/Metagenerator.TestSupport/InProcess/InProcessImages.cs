using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Metagenerator.Oci;

namespace Metagenerator.TestSupport.InProcess;

/// <summary>Base images stored straight into an <see cref="InProcessRegistry"/>, as tests of the real registry push them with skopeo.</summary>
public static class InProcessImages
{
    /// <summary>The host tests use for an in-process registry (never resolved: the transport answers every request).</summary>
    public const string Host = "registry.in-process.test";

    /// <summary>
    /// Stores a linux/amd64 OCI image with one gzip layer (<c>etc/base-release</c> holding <paramref name="content"/>)
    /// as <paramref name="repository"/>:<paramref name="tag"/>; returns its full reference on <see cref="Host"/>.
    /// </summary>
    public static string SeedBase(InProcessRegistry registry, string repository = "base", string tag = "1", string content = "in-process base\n")
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/") { Mode = (UnixFileMode)0b111_101_101 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/base-release")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                Mode = (UnixFileMode)0b110_100_100,
            });
        }
        var diffId = Digest.Sha256(tar.ToArray());
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tar.ToArray());
        var layer = gz.ToArray();
        var config = Encoding.UTF8.GetBytes(
            $$"""{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["{{diffId}}"]},"history":[{"created_by":"in-process base"}]}""");
        var layerDigest = registry.PutBlob(repository, layer);
        var configDigest = registry.PutBlob(repository, config);
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{"mediaType":"{{MediaTypes.OciLayerGzip}}","digest":"{{layerDigest}}","size":{{layer.Length}}}]}""");
        registry.PutManifest(repository, manifest, MediaTypes.OciManifest, tag);
        return $"{Host}/{repository}:{tag}";
    }
}
