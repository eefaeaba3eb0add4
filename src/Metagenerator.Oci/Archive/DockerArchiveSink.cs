using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metagenerator.Oci.Archive;

/// <summary>Writes an image as a <c>docker save</c>-style tar that <c>docker load</c>, <c>podman load</c> and <c>skopeo … docker-archive:FILE</c> read.</summary>
/// <remarks>
/// The layout is the one Docker 25+ writes: <c>manifest.json</c> (<c>Config</c>, <c>RepoTags</c>,
/// <c>Layers</c>) pointing into an OCI layout in the same tar (<c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/sha256/…</c>), so the file is also a valid <c>oci-archive</c>. Layers are stored as they are
/// (gzip or zstd); the loaders detect compression. No legacy <c>repositories</c> file is written (the
/// loaders take tags from <c>manifest.json</c>). The tar is written as <see cref="OutputFile"/> says: a regular
/// file through a temporary file and a rename, so a failed write never leaves a half archive at <see cref="Path"/>;
/// a named pipe or standard output directly; a device is refused.
/// https://github.com/moby/docker-image-spec/blob/main/v1.2.md#combined-image-json--filesystem-changeset-format
/// </remarks>
public sealed class DockerArchiveSink(string path) : IImageSink
{
    /// <summary>The tar file written.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Writes the archive; <paramref name="tags"/> are image references such as <c>localhost:5000/example-generator:v3</c> (they become <c>RepoTags</c>).</summary>
    public async Task WriteImageAsync(IImage image, IReadOnlyList<string> tags, IEvents? events = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var repoTags = tags.Select(RepoTag).ToList();
        await using var output = OutputFile.Open(Path);
        var file = output.Stream;
        var tar = new ReproducibleTarWriter(file, 0);
        WriteBytes(tar, file, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        tar.WriteDirectory("blobs");
        tar.WriteDirectory("blobs/sha256");

        var layerPaths = new List<string>();
        var written = new HashSet<Digest>();
        foreach (var layer in image.Layers)
        {
            var blobPath = BlobPath(layer.Descriptor.Digest);
            layerPaths.Add(blobPath);
            if (!written.Add(layer.Descriptor.Digest)) continue; // the same layer twice is stored once
            await CopyLayerAsync(tar, file, blobPath, layer, events, ct).ConfigureAwait(false);
        }
        var configPath = BlobPath(image.Manifest.Config.Digest);
        WriteBytes(tar, file, configPath, image.ConfigBytes.ToArray());
        var manifestDigest = Digest.Sha256(image.ManifestBytes.Span);
        WriteBytes(tar, file, BlobPath(manifestDigest), image.ManifestBytes.ToArray());

        WriteBytes(tar, file, "index.json", IndexJson(image, manifestDigest, repoTags));
        WriteBytes(tar, file, "manifest.json", ManifestJson(configPath, repoTags, layerPaths));
        tar.Finish();
        await output.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The <c>RepoTags</c> form of a reference: Docker Hub images by their short name, others in full; no tag means <c>latest</c>.</summary>
    public static string RepoTag(string reference)
    {
        if (!ImageReference.TryParse(reference, out var parsed, out var error))
            throw new InvalidInputException($"docker-archive tag {error}");
        if (parsed.Tag is null && parsed.Digest is not null)
            throw new InvalidInputException($"docker-archive tag '{reference}' has a digest but no tag; docker load needs name:tag");
        var name = parsed.Registry == ImageReference.DockerHub
            ? (parsed.Repository.StartsWith("library/", StringComparison.Ordinal) ? parsed.Repository["library/".Length..] : parsed.Repository)
            : $"{parsed.Registry}/{parsed.Repository}";
        return $"{name}:{parsed.Tag ?? "latest"}";
    }

    private static string BlobPath(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    private static void WriteBytes(ReproducibleTarWriter tar, Stream output, string name, byte[] content)
    {
        tar.WriteFileHeader(name, content.Length, 0x1A4);
        output.Write(content);
        tar.WritePadding(content.Length);
    }

    private static async Task CopyLayerAsync(ReproducibleTarWriter tar, Stream output, string name, ILayer layer, IEvents? events, CancellationToken ct)
    {
        var descriptor = layer.Descriptor;
        tar.WriteFileHeader(name, descriptor.Size, 0x1A4);
        await using (var source = await layer.OpenCompressedAsync(ct).ConfigureAwait(false))
            await BlobCopy.CopyVerifiedAsync(source, output, descriptor, BlobCopy.OriginOf(layer), events, ct).ConfigureAwait(false);
        tar.WritePadding(descriptor.Size);
        events?.Transfer(new TransferEvent(descriptor, TransferKind.Uploaded, descriptor.Size));
    }

    private static byte[] ManifestJson(string configPath, IReadOnlyList<string> repoTags, IReadOnlyList<string> layerPaths)
    {
        var tagsArray = new JsonArray();
        foreach (var t in repoTags) tagsArray.Add((JsonNode)t);
        var layersArray = new JsonArray();
        foreach (var l in layerPaths) layersArray.Add((JsonNode)l);
        var entry = new JsonObject
        {
            ["Config"] = configPath,
            ["RepoTags"] = tagsArray,
            ["Layers"] = layersArray,
        };
        return OciJson.Serialize(new JsonArray((JsonNode)entry));
    }

    private static byte[] IndexJson(IImage image, Digest manifestDigest, IReadOnlyList<string> repoTags)
    {
        var manifests = new List<Descriptor>();
        var descriptor = new Descriptor { MediaType = image.Manifest.MediaType, Digest = manifestDigest, Size = image.ManifestBytes.Length };
        if (repoTags.Count == 0) manifests.Add(descriptor);
        foreach (var tag in repoTags)
        {
            manifests.Add(descriptor with
            {
                Annotations = new Dictionary<string, string>
                {
                    ["io.containerd.image.name"] = tag,
                    [OciLayout.RefNameAnnotation] = tag[(tag.LastIndexOf(':') + 1)..],
                },
            });
        }
        return OciJson.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = manifests });
    }
}
