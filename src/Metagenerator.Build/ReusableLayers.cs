using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Build;

/// <summary>Which layers of the image the destination holds now a rebuild may reuse, by diffID.</summary>
/// <remarks>
/// Reuse is an optimisation, and the destination is not trusted: its config (the diff_ids) may lie, a blob may be gone,
/// a descriptor's size may be wrong. A layer is reusable only when a <see cref="LayerRecords"/> record made here proves its
/// digest, size and compression, and the destination repository still has the blob at that size (one HEAD per such
/// layer). Anything else is "nothing to reuse" for that layer, with a debug note, and the layer is built.
/// </remarks>
internal static class ReusableLayers
{
    /// <summary>
    /// The layers of <paramref name="previous"/> that can be reused, by the diffID their record proves; each carries that
    /// diffID, whatever the destination's config says.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Digest, ILayer>> FindAsync(
        IImage previous, LayerCompression compression, LayerRecords? records, RegistryRepository destination, IEvents events, CancellationToken ct)
    {
        var byDiffId = new Dictionary<Digest, ILayer>();
        if (records is null) return byDiffId;
        var where = $"{destination.Registry}/{destination.Repository}";
        foreach (var blob in previous.Layers.Select(l => l.Descriptor))
        {
            if (IsZstd(blob.MediaType) != (compression == LayerCompression.Zstd) || !IsCompressedLayer(blob.MediaType)) continue;
            if (records.ProvenDiffId(blob) is not { } diffId)
            {
                events.Debug($"nothing to reuse for layer {blob.Digest} of {where}: no record of building it here ({records.Directory}) proves its content and size");
                continue;
            }
            try
            {
                var present = await destination.HeadAsync(blob.Digest, forPush: true, ct).ConfigureAwait(false);
                if (present is null)
                    events.Debug($"nothing to reuse for layer {blob.Digest}: {where} does not have it");
                else if (present.Size >= 0 && present.Size != blob.Size)
                    events.Debug($"nothing to reuse for layer {blob.Digest}: {where} has it with {present.Size} bytes, not {blob.Size}");
                else
                    byDiffId.TryAdd(diffId, new RegistryLayer(destination, blob, diffId));
            }
            catch (RegistryException e) when (!ct.IsCancellationRequested)
            {
                events.Debug($"nothing to reuse for layer {blob.Digest}: {e.Message}");
            }
        }
        return byDiffId;
    }

    private static bool IsZstd(string mediaType) => mediaType == MediaTypes.OciLayerZstd;

    private static bool IsCompressedLayer(string mediaType) =>
        mediaType is MediaTypes.OciLayerGzip or MediaTypes.DockerLayerGzip or MediaTypes.OciLayerZstd;
}
