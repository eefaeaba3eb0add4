using System.Text.Json;

namespace Metagenerator.Oci.Layout;

/// <summary>A local OCI image layout directory: <c>oci-layout</c>, <c>index.json</c>, <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>.</summary>
/// <remarks>
/// https://github.com/opencontainers/image-spec/blob/main/image-layout.md. Images are named by the
/// <c>org.opencontainers.image.ref.name</c> annotation of their entry in <c>index.json</c>, which is what
/// <c>skopeo … oci:DIR:TAG</c> and <c>umoci … --image DIR:TAG</c> use. Tags are stored exactly as given.
/// </remarks>
public sealed class OciLayout : IImageSource, IImageSink
{
    /// <summary>The annotation naming an image in <c>index.json</c>.</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private const string LayoutFileContent = """{"imageLayoutVersion":"1.0.0"}""";

    /// <summary>Opens (or, when written to, creates) the layout at <paramref name="directory"/>.</summary>
    public OciLayout(string directory) => Directory = Path.GetFullPath(directory);

    /// <summary>The layout directory (absolute).</summary>
    public string Directory { get; }

    /// <summary>Where the blob with <paramref name="digest"/> lives in this layout.</summary>
    public string BlobPath(Digest digest) => Path.Combine(Directory, "blobs", digest.Algorithm, digest.Hex);

    /// <summary>Reads the image tagged <paramref name="reference"/> (a ref name or a manifest digest; empty means the only image), resolving an index to <paramref name="platform"/>.</summary>
    public async Task<IImage> ReadImageAsync(string reference, Platform platform, CancellationToken ct = default)
    {
        var index = await ReadIndexAsync(ct).ConfigureAwait(false)
            ?? throw new OciLayoutException(Directory, "is not an OCI image layout (index.json is missing)");
        Descriptor entry;
        if (string.IsNullOrEmpty(reference))
        {
            entry = index.Manifests.Count switch
            {
                1 => index.Manifests[0],
                0 => throw new OciLayoutException(Directory, "holds no image"),
                _ => ChoosePlatform(index, platform, "index.json (no tag given)"),
            };
        }
        else
        {
            var matches = index.Manifests.Where(d =>
                (d.Annotations?.TryGetValue(RefNameAnnotation, out var name) == true && name == reference) || d.Digest.ToString() == reference).ToList();
            if (matches.Count == 0)
            {
                var known = index.Manifests.Select(d => d.Annotations?.GetValueOrDefault(RefNameAnnotation)).OfType<string>().ToList();
                throw new OciLayoutException(Directory, $"has no image tagged '{reference}' (tags: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
            }
            entry = matches.Count == 1 ? matches[0] : ChoosePlatform(new ImageIndex { Manifests = matches }, platform, $"tag '{reference}'");
        }

        if (MediaTypes.IsIndex(entry.MediaType))
        {
            var nested = OciJson.ParseIndex(await ReadBlobAsync(entry, ct).ConfigureAwait(false));
            entry = ChoosePlatform(nested, platform, $"index {entry.Digest}");
        }
        if (!MediaTypes.IsImageManifest(entry.MediaType))
            throw new OciLayoutException(Directory, $"entry {entry.Digest} has media type '{entry.MediaType}', which is not an image manifest");

        var manifestBytes = await ReadBlobAsync(entry, ct).ConfigureAwait(false);
        var manifest = OciJson.ParseManifest(manifestBytes);
        var configBytes = await ReadBlobAsync(manifest.Config, ct).ConfigureAwait(false);
        // Blobs are checked as they are read: a corrupt base layer is named here, not blamed on whatever is being written.
        var origin = $"oci:{Directory}{(string.IsNullOrEmpty(reference) ? "" : ":" + reference)}";
        Image image;
        try
        {
            image = Image.FromManifestAndConfig(manifestBytes, configBytes, (d, diffId) => new FileLayer(d, diffId, BlobPath(d.Digest)) { Origin = origin });
        }
        catch (ArgumentException e)
        {
            throw new OciLayoutException(Directory, $"image {entry.Digest} is inconsistent: {e.Message}", e);
        }
        foreach (var layer in image.Layers)
            if (!File.Exists(((FileLayer)layer).FilePath))
                throw new OciLayoutException(Directory, $"layer blob {layer.Descriptor.Digest} is missing (blobs/{layer.Descriptor.Digest.Algorithm}/{layer.Descriptor.Digest.Hex})");
        return image;
    }

    /// <summary>Writes the blobs that are not already present, then adds (or moves) each tag in <c>index.json</c> to this image.</summary>
    public async Task WriteImageAsync(IImage image, IReadOnlyList<string> tags, IEvents? events = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "blobs", "sha256"));
        var layoutFile = Path.Combine(Directory, "oci-layout");
        if (!File.Exists(layoutFile)) await File.WriteAllTextAsync(layoutFile, LayoutFileContent, ct).ConfigureAwait(false);

        foreach (var layer in image.Layers)
            await WriteBlobAsync(layer.Descriptor, BlobCopy.OriginOf(layer), () => layer.OpenCompressedAsync(ct), events, ct).ConfigureAwait(false);
        await WriteBytesBlobAsync(image.Manifest.Config, image.ConfigBytes, events, ct).ConfigureAwait(false);
        var manifestDescriptor = new Descriptor
        {
            MediaType = image.Manifest.MediaType,
            Digest = Digest.Sha256(image.ManifestBytes.Span),
            Size = image.ManifestBytes.Length,
        };
        await WriteBytesBlobAsync(manifestDescriptor, image.ManifestBytes, events, ct).ConfigureAwait(false);

        // index.json is updated last, so a tag never points at an image with missing blobs.
        var index = await ReadIndexAsync(ct).ConfigureAwait(false) ?? new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [] };
        var entries = index.Manifests.ToList();
        if (tags.Count == 0)
        {
            if (!entries.Any(d => d.Digest == manifestDescriptor.Digest && d.Annotations is null)) entries.Add(manifestDescriptor);
        }
        foreach (var tag in tags)
        {
            if (string.IsNullOrEmpty(tag)) throw new ArgumentException("an OCI layout tag is empty", nameof(tags));
            entries.RemoveAll(d => d.Annotations?.TryGetValue(RefNameAnnotation, out var name) == true && name == tag);
            entries.Add(manifestDescriptor with { Annotations = new Dictionary<string, string> { [RefNameAnnotation] = tag } });
        }
        var updated = index with { SchemaVersion = 2, MediaType = index.MediaType ?? MediaTypes.OciIndex, Manifests = entries };
        await WriteAtomicallyAsync(Path.Combine(Directory, "index.json"), OciJson.Serialize(updated), ct).ConfigureAwait(false);
    }

    /// <summary>Reads <c>index.json</c>, or returns null when the directory is not (yet) a layout.</summary>
    public Task<ImageIndex?> ReadIndexAsync(CancellationToken ct = default) => Task.Run(ReadIndex, ct);

    private ImageIndex? ReadIndex()
    {
        var path = Path.Combine(Directory, "index.json");
        if (!File.Exists(path)) return null;
        try
        {
            if (SmallInputFile.Problem(path) is { } problem)
                throw new OciLayoutException(Directory, $"index.json {problem}");
            if (!SmallInputFile.TryReadAtMost(path, MaxJsonBytes, out var bytes))
                throw new OciLayoutException(Directory, $"index.json holds more than {MaxJsonBytes} bytes, more than an index can be");
            return OciJson.ParseIndex(bytes);
        }
        catch (JsonException e)
        {
            throw new OciLayoutException(Directory, $"index.json is not valid: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciLayoutException(Directory, $"index.json cannot be read: {e.Message}", e);
        }
    }

    private Descriptor ChoosePlatform(ImageIndex index, Platform platform, string what)
    {
        var match = index.Manifests.FirstOrDefault(d => platform.Matches(d.Platform));
        if (match is not null) return match;
        var available = index.Manifests.Select(d => d.Platform?.ToString()).OfType<string>().ToList();
        throw new OciLayoutException(Directory, $"{what} has no image for platform {platform} (available: {(available.Count == 0 ? "none declared" : string.Join(", ", available))})");
    }

    /// <summary>The most a manifest, index or config may hold (as for a registry's): a local file is never read past it.</summary>
    public const int MaxJsonBytes = 4 * 1024 * 1024;

    private Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken ct) => Task.Run(() => ReadBlob(descriptor), ct);

    private byte[] ReadBlob(Descriptor descriptor)
    {
        var path = BlobPath(descriptor.Digest);
        if (!File.Exists(path))
            throw new OciLayoutException(Directory, $"blob {descriptor.Digest} is missing (blobs/{descriptor.Digest.Algorithm}/{descriptor.Digest.Hex})");
        if (descriptor.Size is < 0 or > MaxJsonBytes)
            throw new OciLayoutException(Directory, $"blob {descriptor.Digest} is listed with {descriptor.Size} bytes; a manifest, index or config is at most {MaxJsonBytes}");
        if (SmallInputFile.Problem(path) is { } problem)
            throw new OciLayoutException(Directory, $"blob {descriptor.Digest} (blobs/{descriptor.Digest.Algorithm}/{descriptor.Digest.Hex}) {problem}");
        byte[]? bytes;
        try
        {
            // One byte past the listed size is enough to tell it is wrong.
            if (!SmallInputFile.TryReadAtMost(path, (int)descriptor.Size, out bytes)) bytes = [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciLayoutException(Directory, $"blob {descriptor.Digest} cannot be read: {e.Message}", e);
        }
        // Bad data from the image's source, as for a layer blob (BlobContentMismatchException): the registry category.
        if (bytes.Length != descriptor.Size || Digest.Sha256(bytes) != descriptor.Digest)
            throw new OciLayoutException(Directory, $"blob {descriptor.Digest} is corrupt (content does not match its digest or size): copy the image into the layout again",
                category: ErrorCategory.Registry);
        return bytes;
    }

    private Task WriteBytesBlobAsync(Descriptor descriptor, ReadOnlyMemory<byte> bytes, IEvents? events, CancellationToken ct) =>
        WriteBlobAsync(descriptor, "the image in memory", () => Task.FromResult<Stream>(new MemoryStream(bytes.ToArray(), writable: false)), events, ct);

    private async Task WriteBlobAsync(Descriptor descriptor, string origin, Func<Task<Stream>> open, IEvents? events, CancellationToken ct)
    {
        var path = BlobPath(descriptor.Digest);
        if (File.Exists(path) && new FileInfo(path).Length == descriptor.Size)
        {
            events?.Transfer(new TransferEvent(descriptor, TransferKind.Exists, 0));
            return;
        }
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var source = await open().ConfigureAwait(false))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await BlobCopy.CopyVerifiedAsync(source, file, descriptor, origin, events, ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            events?.Transfer(new TransferEvent(descriptor, TransferKind.Uploaded, descriptor.Size));
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken ct)
    {
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temp, content, ct).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }
}
