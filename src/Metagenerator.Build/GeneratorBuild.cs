using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Build;

/// <summary>The whole <c>metagenerator build</c>: read the base, assemble, write to every sink.</summary>
public static class GeneratorBuild
{
    /// <summary>Runs a build; registry destinations get the manifest only after all their blobs are confirmed.</summary>
    /// <param name="request">What to build and where to write it.</param>
    /// <param name="events">Gets blob transfers, the build's steps, details (e.g. why the destination's previous image
    /// cannot be reused), what a slow registry is being waited for, and each registry request.</param>
    /// <param name="ct">Cancels the build.</param>
    public static async Task<GeneratorBuildResult> RunAsync(GeneratorBuildRequest request, IEvents? events = null, CancellationToken ct = default)
    {
        events ??= IEvents.None;
        var destinations = Destinations(request);

        using var registry = new RegistryClient(request.Registry, events);
        events.Info($"base image: {request.BaseImage} ({request.Platform})");
        IImage baseImage;
        var spec = request.Image;
        if (OciLayoutReference.IsOciLayoutReference(request.BaseImage))
        {
            if (!OciLayoutReference.TryParse(request.BaseImage, out var layoutRef, out var error))
                throw new InvalidReferenceException($"base image: {error}");
            baseImage = await new OciLayout(layoutRef.Directory).ReadImageAsync(layoutRef.Tag ?? "", request.Platform, ct).ConfigureAwait(false);
        }
        else
        {
            if (!ImageReference.TryParse(request.BaseImage, out var baseRef, out var error))
                throw new InvalidReferenceException($"base image: {error}");
            baseImage = await new RegistryImageSource(registry).ReadImageAsync(baseRef, request.Platform, ct).ConfigureAwait(false);
            spec = spec with { BaseName = baseRef.ToString() };
        }

        // What the destination holds now: each of its layers proven (by a record of building it here) to hold a layer we
        // would build, and still present, is reused (no compression, no upload). Its config is not trusted for that.
        var previous = request.Push ? await TryReadAsync(new RegistryImageSource(registry), destinations[0], request.Platform, events, ct).ConfigureAwait(false) : null;
        var records = Records(request, events);
        var reusable = previous is null ? null : await ReusableLayers.FindAsync(
            previous, spec.Compression, records, registry.Repository(destinations[0].Registry, destinations[0].Repository), events, ct).ConfigureAwait(false);

        // Into a repository without tags, layers are uploaded while they are compressed (the primary destination only).
        await using var streamer = request.Push && previous is null
            ? await LayerStreamer.ForNewRepositoryAsync(registry, destinations[0], events, ct).ConfigureAwait(false)
            : null;

        // A private staging directory: concurrent builds of the same content must not share a layer file.
        var scratch = Directory.CreateDirectory(Path.Combine(request.ScratchDirectory, $"metagenerator-{Guid.NewGuid():N}")).FullName;
        // Also removed by a forced exit (a signal while blocked where cancellation cannot reach).
        using var registered = ScratchFiles.Register(scratch);
        try
        {
            using var assembled = await GeneratorImageAssembler.AssembleAsync(
                baseImage, spec, scratch, reusable, streamer is null ? null : streamer.Start, records, events, ct).ConfigureAwait(false);
            var streamed = streamer is null ? [] : await streamer.FinishAsync().ConfigureAwait(false);
            var uploadedEarlier = streamed.Select(b => (destinations[0].Registry, destinations[0].Repository, b.Digest)).ToHashSet();
            return await WriteAsync(request, registry, destinations, assembled, uploadedEarlier, events, ct).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<GeneratorBuildResult> WriteAsync(
        GeneratorBuildRequest request, RegistryClient registry, IReadOnlyList<ImageReference> destinations, AssembledImage assembled,
        IReadOnlySet<(string Registry, string Repository, Digest Digest)> uploadedEarlier, IEvents events, CancellationToken ct)
    {
        var manifest = request.Image.Manifest;
        var image = assembled.Image;
        var reused = assembled.NewLayers.Count(l => l.Reused);
        events.Info($"generator image {manifest.Name}:{manifest.Version}: {image.Digest} ({image.Layers.Count - assembled.NewLayers.Count} base layer(s) + "
            + $"{assembled.NewLayers.Count} new: {assembled.NewLayers.Count - reused} built"
            + (reused > 0 ? $", {reused} unchanged and reused from {destinations[0]})" : ")"));

        // The local sinks' transfers are not reported: the transfer events (and the push summary) count registry blobs.
        if (request.OciLayout is { } layoutDir)
        {
            await new OciLayout(layoutDir).WriteImageAsync(image, [manifest.Version], null, ct).ConfigureAwait(false);
            events.Info($"wrote OCI layout {layoutDir} (tag {manifest.Version})");
        }
        if (request.TarPath is { } tarPath)
        {
            await new DockerArchiveSink(tarPath).WriteImageAsync(image, [.. destinations.Select(d => d.ToString())], null, ct).ConfigureAwait(false);
            events.Info($"wrote docker-archive {tarPath}");
        }

        var pushed = new List<ImageReference>();
        if (request.Push)
        {
            await new RegistryImageSink(registry, uploadedEarlier).WriteImageAsync(image, [.. destinations.Select(d => d.ToString())], events, ct).ConfigureAwait(false);
            pushed.AddRange(destinations.Select(d => d with { Digest = image.Digest }));
        }
        return new GeneratorBuildResult(image.Digest, pushed, assembled.NewLayers);
    }

    /// <summary>
    /// The image at <paramref name="reference"/>, or null when there is none or it cannot be read or parsed: reusing its
    /// layer is an optimisation, so any failure means "nothing to reuse" (the push reports real registry failures).
    /// </summary>
    private static async Task<IImage?> TryReadAsync(RegistryImageSource source, ImageReference reference, Platform platform, IEvents events, CancellationToken ct)
    {
        try
        {
            // Reading checks the image as every image is checked (its config's diff_ids included): what fails is nothing to reuse.
            return await source.ReadImageAsync(reference, platform, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            events.Debug($"nothing to reuse from {reference}: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// The layer records to use; none when their directory lies inside the model source (a workspace that is also HOME):
    /// the next build would pack them, and every build would change the image.
    /// </summary>
    private static LayerRecords? Records(GeneratorBuildRequest request, IEvents events)
    {
        if (request.LayerRecordDirectory is not { } directory) return null;
        var full = Path.GetFullPath(directory);
        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.Image.ModelSource)) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(source, StringComparison.Ordinal)) return new LayerRecords(full);
        events.Debug($"layer records not used: {full} is inside the model source {request.Image.ModelSource}, so the image would hold them");
        return null;
    }

    /// <summary>GENERATOR_REGISTRY/NAME:VERSION first (docs/contracts.md §1), then each <c>--destination</c>.</summary>
    public static IReadOnlyList<ImageReference> Destinations(GeneratorBuildRequest request)
    {
        var manifest = request.Image.Manifest;
        var registry = manifest.GeneratorRegistry.TrimEnd('/');
        var primary = registry.Length == 0 ? $"{manifest.Name}:{manifest.Version}" : $"{registry}/{manifest.Name}:{manifest.Version}";
        var all = new List<ImageReference>();
        foreach (var text in request.Destinations.Prepend(primary))
        {
            if (!ImageReference.TryParse(text, out var reference, out var error))
                throw new InvalidReferenceException(error);
            if (!all.Contains(reference)) all.Add(reference);
        }
        return all;
    }
}
