using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Build;

/// <summary>
/// Uploads new layers to the primary destination while they are built, so compressing and uploading overlap. Used only
/// for a push into a repository without tags: there no built layer can be stored already, so nothing is sent that the
/// ordinary push would have found present (in a repository with tags, a version bump often finds its large layers there).
/// </summary>
/// <remarks>
/// Streaming is an optimisation: an upload that fails (a registry that refuses a chunked body, a cut connection, an
/// expired token) is dropped with a debug note, and the push then uploads that layer from its finished file, with its
/// retries. The push still HEADs every streamed blob before the manifest goes up.
/// </remarks>
internal sealed class LayerStreamer : IAsyncDisposable
{
    private readonly RegistryRepository _repository;
    private readonly IEvents _events;
    private readonly TimeSpan _noticeEvery;
    private readonly CancellationTokenSource _cts;
    private readonly List<(GrowingLayerFile File, Task<Descriptor?> Upload)> _uploads = [];
    private readonly Lock _gate = new();

    private LayerStreamer(RegistryRepository repository, TimeSpan noticeEvery, IEvents events, CancellationToken ct)
    {
        _repository = repository;
        _noticeEvery = noticeEvery;
        _events = events;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    /// <summary>The repository the layers go to.</summary>
    public string Destination => $"{_repository.Registry}/{_repository.Repository}";

    /// <summary>A streamer for <paramref name="destination"/>'s repository when it has no tags; null when it has some or that cannot be told.</summary>
    /// <param name="client">The registry client; its <see cref="RegistryOptions.WaitNoticeAfter"/> is how often a streaming layer says how far it is.</param>
    /// <param name="destination">The primary destination.</param>
    /// <param name="events">Gets an <see cref="TransferKind.Uploaded"/> transfer for each layer stored; an info line when a
    /// layer starts streaming, and how much has been sent every notice interval; a debug line saying why nothing is
    /// streamed, or why a layer's streaming failed.</param>
    /// <param name="ct">Cancels the check and the uploads.</param>
    public static async Task<LayerStreamer?> ForNewRepositoryAsync(RegistryClient client, ImageReference destination, IEvents events, CancellationToken ct)
    {
        var where = $"{destination.Registry}/{destination.Repository}";
        try
        {
            if (await new RegistryListing(client).HasTagsAsync(destination.Registry, destination.Repository, ct).ConfigureAwait(false))
            {
                events.Debug($"{where} has tags: layers are uploaded once built, so one another tag already holds is not sent again");
                return null;
            }
        }
        catch (RegistryException e)
        {
            events.Debug($"layers are uploaded once built: cannot tell whether {where} has tags ({e.Message})");
            return null;
        }
        return new LayerStreamer(client.Repository(destination.Registry, destination.Repository), client.Options.WaitNoticeAfter, events, ct);
    }

    /// <summary>Starts uploading <paramref name="layer"/>'s <paramref name="file"/> as it is written (called by the layer builder; never throws).</summary>
    public void Start(PlannedLayer layer, GrowingLayerFile file)
    {
        _events.Info($"uploading {layer.Contents} to {Destination} while it is built (a new repository)");
        lock (_gate) _uploads.Add((file, UploadAsync(layer, file)));
    }

    private async Task<Descriptor?> UploadAsync(PlannedLayer layer, GrowingLayerFile file)
    {
        await Task.Yield(); // the builder's thread goes straight on to writing the layer
        long sent = 0;
        // Its digest, and so its progress line, exists only once it is built: until then, a line every notice interval.
        using var notice = TimeProvider.System.CreateTimer(
            _ => _events.Info($"{layer.Contents}: {Interlocked.Read(ref sent) / (1024.0 * 1024):0.0} MiB sent to {Destination} so far"), null, _noticeEvery, _noticeEvery);
        try
        {
            var bytes = new InlineProgress<long>(n => Interlocked.Exchange(ref sent, n));
            Descriptor blob;
            await using (var body = file.OpenRead())
                blob = await _repository.UploadGrowingAsync(body, file.Completion, bytes, _cts.Token).ConfigureAwait(false);
            _events.Transfer(new TransferEvent(blob, TransferKind.Uploaded, blob.Size));
            return blob;
        }
        catch (Exception e) when (e is RegistryException or OperationCanceledException)
        {
            if (!_cts.IsCancellationRequested)
                _events.Debug($"uploading a layer to {Destination} while it was built failed; it is uploaded once built instead: {e.Message}");
            return null;
        }
    }

    /// <summary>Waits for every upload started; the blobs that are now stored.</summary>
    public async Task<IReadOnlyList<Descriptor>> FinishAsync()
    {
        Task<Descriptor?>[] uploads;
        lock (_gate) uploads = [.. _uploads.Select(u => u.Upload)];
        var results = await Task.WhenAll(uploads).ConfigureAwait(false);
        return [.. results.OfType<Descriptor>()];
    }

    /// <summary>Cancels what is still uploading (the build failed or was cancelled) and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        List<(GrowingLayerFile File, Task<Descriptor?> Upload)> uploads;
        lock (_gate) uploads = [.. _uploads];
        await Task.WhenAll(uploads.Select(u => u.Upload)).ConfigureAwait(false);
        foreach (var (file, _) in uploads) file.Dispose();
        _cts.Dispose();
    }
}
