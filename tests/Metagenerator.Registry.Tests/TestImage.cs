using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.Oci.Images;

namespace Metagenerator.Registry.Tests;

/// <summary>
/// In-test images: a base image plus layers of random bytes, built here so the sink can be tested without the layer
/// builder. They are <see cref="Image"/>s, so the digests, sizes and diffIDs they carry are checked as any image's are.
/// </summary>
internal static class TestImage
{
    /// <summary>The base plus a layer holding one file of <paramref name="size"/> random bytes.</summary>
    public static Image WithRandomLayer(IImage baseImage, int size = 64 * 1024, string label = "test") =>
        WithRandomLayers(baseImage, 1, size, label);

    /// <summary>The base plus <paramref name="count"/> layers of random bytes.</summary>
    public static Image WithRandomLayers(IImage baseImage, int count, int size = 64 * 1024, string label = "test")
    {
        var mediaType = baseImage.Manifest.MediaType == MediaTypes.DockerManifest ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip;
        var added = Enumerable.Range(0, count).Select(_ => MemoryLayer.Random(size, mediaType)).ToList();
        var config = JsonNode.Parse(baseImage.ConfigBytes.Span)!.AsObject();
        var rootfs = config["rootfs"]!.AsObject();
        foreach (var layer in added) rootfs["diff_ids"]!.AsArray().Add(layer.DiffId.ToString());
        var inner = config["config"] as JsonObject ?? new JsonObject();
        config["config"] = inner;
        var labels = inner["Labels"] as JsonObject ?? new JsonObject();
        inner["Labels"] = labels;
        labels["test.label"] = label;
        var configBytes = OciJson.Serialize(config);
        var manifest = baseImage.Manifest with
        {
            Config = baseImage.Manifest.Config with { Digest = Digest.Sha256(configBytes), Size = configBytes.Length },
            Layers = [.. baseImage.Manifest.Layers, .. added.Select(l => l.Descriptor)],
        };
        return new Image(OciJson.Serialize(manifest), configBytes, [.. baseImage.Layers, .. added]);
    }
}

/// <summary>A gzip layer held in memory.</summary>
internal sealed class MemoryLayer : ILayer
{
    private readonly byte[] _compressed;

    private MemoryLayer(byte[] compressed, Digest diffId, string mediaType)
    {
        _compressed = compressed;
        DiffId = diffId;
        Descriptor = new Descriptor { MediaType = mediaType, Digest = Digest.Sha256(compressed), Size = compressed.Length };
    }

    public Descriptor Descriptor { get; }
    public Digest DiffId { get; }
    public int Opened;

    public Task<Stream> OpenCompressedAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref Opened);
        return Task.FromResult<Stream>(new MemoryStream(_compressed, writable: false));
    }

    public static MemoryLayer Random(int size, string mediaType)
    {
        var content = new byte[size];
        System.Random.Shared.NextBytes(content);
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "random.bin") { DataStream = new MemoryStream(content), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            writer.WriteEntry(entry);
        }
        var tarBytes = tar.ToArray();
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tarBytes);
        return new MemoryLayer(gz.ToArray(), Digest.Sha256(tarBytes), mediaType);
    }
}
