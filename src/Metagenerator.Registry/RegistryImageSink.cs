using System.Collections.Concurrent;
using Metagenerator.Oci;
using Metagenerator.Registry.Http;

namespace Metagenerator.Registry;

/// <summary>Pushes images to registries; tags are full references (<c>localhost:5000/example-generator:v3</c>) and may name different registries and repositories.</summary>
/// <remarks>
/// Per repository: every blob is HEADed first; a missing layer is mounted when it already lives on the same registry
/// (from its source repository or a repository pushed earlier in this call), otherwise streamed from its source; up to
/// <see cref="RegistryOptions.MaxParallelBlobs"/> blobs at once. The manifest goes last, only after every blob has been
/// HEADed again with the right size and digest, so a tag never points at an incomplete image.
/// </remarks>
public sealed class RegistryImageSink : IImageSink
{
    private const long ProgressStep = 256 * 1024;

    private readonly RegistryClient _client;
    private readonly IReadOnlySet<(string Registry, string Repository, Digest Digest)> _uploadedEarlier;

    /// <summary>Pushes through <paramref name="client"/>.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="uploadedEarlier">
    /// Blobs this push has already uploaded (e.g. while they were built) and reported: where the registry confirms them
    /// they count as pushed, without another report; where it does not, they are uploaded as usual.
    /// </param>
    public RegistryImageSink(RegistryClient client, IReadOnlySet<(string Registry, string Repository, Digest Digest)>? uploadedEarlier = null)
    {
        _client = client;
        _uploadedEarlier = uploadedEarlier ?? new HashSet<(string, string, Digest)>();
    }

    /// <inheritdoc/>
    public async Task WriteImageAsync(IImage image, IReadOnlyList<string> tags, IEvents? events = null, CancellationToken ct = default)
    {
        // The same consistency check as every image's: layers, config and its diff_ids agree with the manifest.
        _ = Image.From(image);
        var references = new List<ImageReference>();
        foreach (var tag in tags)
        {
            if (!ImageReference.TryParse(tag, out var reference, out var error))
                throw new InvalidInputException($"invalid destination: {error}");
            if (reference.Digest is { } pinned && pinned != image.Digest)
                throw new InvalidInputException($"destination {tag} pins digest {pinned}, but the image's digest is {image.Digest}");
            references.Add(reference);
        }

        // Where each blob is known to be complete, so a later repository on the same registry can mount it.
        var known = new ConcurrentDictionary<(string Registry, Digest Digest), string>();
        foreach (var group in references.GroupBy(r => (r.Registry, r.Repository)))
        {
            var (registry, repository) = group.Key;
            var destination = _client.Repository(registry, repository);
            await PushBlobsAsync(image, destination, known, events, ct).ConfigureAwait(false);
            await ConfirmBlobsAsync(image, destination, ct).ConfigureAwait(false);
            foreach (var reference in group)
                await ((IManifestStore)destination).PutAsync(reference.ManifestReference, image.ManifestBytes, image.Manifest.MediaType, ct).ConfigureAwait(false);
        }
    }

    private async Task PushBlobsAsync(IImage image, IBlobStore destination,
        ConcurrentDictionary<(string, Digest), string> known, IEvents? events, CancellationToken ct)
    {
        var (registry, repository) = (destination.Registry, destination.Repository);
        var config = image.ConfigBytes;
        var blobs = new List<(Descriptor Descriptor, ILayer? Layer)> { (image.Manifest.Config, null) };
        var seen = new HashSet<Digest> { image.Manifest.Config.Digest };
        foreach (var layer in image.Layers)
            if (seen.Add(layer.Descriptor.Digest)) blobs.Add((layer.Descriptor, layer));

        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _client.Options.MaxParallelBlobs), CancellationToken = ct },
            async (blob, token) =>
            {
                var (descriptor, layer) = blob;
                var existing = await destination.HeadAsync(descriptor.Digest, forPush: true, token).ConfigureAwait(false);
                // A registry that omits Content-Length on HEAD (size -1) still said 200: the blob is there.
                if (existing is not null && (existing.Size == descriptor.Size || existing.Size < 0))
                {
                    known[(registry, descriptor.Digest)] = repository;
                    if (!_uploadedEarlier.Contains((registry, repository, descriptor.Digest)))
                        events?.Transfer(new TransferEvent(descriptor, TransferKind.Exists, descriptor.Size));
                    return;
                }

                Uri? session = null;
                var mountFrom = layer is IRegistryLayer r && SameRegistry(r.Registry, registry) && r.Repository != repository ? r.Repository
                    : known.TryGetValue((registry, descriptor.Digest), out var pushedTo) && pushedTo != repository ? pushedTo : null;
                if (mountFrom is not null)
                {
                    var mount = await destination.MountAsync(descriptor.Digest, mountFrom, token).ConfigureAwait(false);
                    if (mount.Mounted)
                    {
                        known[(registry, descriptor.Digest)] = repository;
                        events?.Transfer(new TransferEvent(descriptor, TransferKind.Mounted, descriptor.Size));
                        return;
                    }
                    session = mount.UploadSession;
                }

                Func<CancellationToken, Task<Stream>> open = layer is null
                    ? _ => Task.FromResult<Stream>(new MemoryStream(config.ToArray(), writable: false))
                    : layer.OpenCompressedAsync;
                long lastReported = -ProgressStep;
                var bytes = events is null ? null : new InlineProgress<long>(n =>
                {
                    if (n - Interlocked.Read(ref lastReported) < ProgressStep && n != descriptor.Size) return;
                    Interlocked.Exchange(ref lastReported, n);
                    events.Transfer(new TransferEvent(descriptor, TransferKind.Uploading, n));
                });
                await destination.UploadAsync(descriptor, open, bytes, session, token).ConfigureAwait(false);
                known[(registry, descriptor.Digest)] = repository;
                events?.Transfer(new TransferEvent(descriptor, TransferKind.Uploaded, descriptor.Size));
            }).ConfigureAwait(false);
    }

    private static async Task ConfirmBlobsAsync(IImage image, IBlobStore destination, CancellationToken ct)
    {
        var (registry, repository) = (destination.Registry, destination.Repository);
        foreach (var descriptor in image.Layers.Select(l => l.Descriptor).Prepend(image.Manifest.Config).DistinctBy(d => d.Digest))
        {
            var info = await destination.HeadAsync(descriptor.Digest, forPush: true, ct).ConfigureAwait(false);
            string? problem = info switch
            {
                null => "is missing",
                { Size: var size } when size >= 0 && size != descriptor.Size => $"has {size} bytes, not {descriptor.Size}",
                { Digest: { } d } when d != descriptor.Digest => $"is reported as {d}",
                _ => null,
            };
            if (problem is not null)
                throw new RegistryException(
                    $"confirming blob {RegistryClient.Short(descriptor.Digest)} in {registry}/{repository}: after the push it {problem}; the manifest was not pushed, so no tag points at this incomplete image",
                    $"confirming blob {RegistryClient.Short(descriptor.Digest)}", registry, repository);
        }
    }

    private static bool SameRegistry(string a, string b) =>
        string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
