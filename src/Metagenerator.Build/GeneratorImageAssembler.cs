using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Entrypoint;
using Metagenerator.Oci;
using Metagenerator.Manifest;

namespace Metagenerator.Build;

/// <summary>Turns a base image and a <see cref="GeneratorImageSpec"/> into the generator image: base + a few layers by volatility + config.</summary>
/// <remarks>
/// The new content (model source, manifest, script) is split as <see cref="Plan"/> says: large files in hash groups
/// (rarely change), the rest of the model source (changes with code edits), and the manifest and script (change with
/// every manifest edit) last. Together they hold exactly what one layer of <see cref="ContentSources"/> would hold.
/// </remarks>
public static class GeneratorImageAssembler
{
    /// <summary>Layers built or hashed at once: one per core, at most 4 (each holds about 10 MiB of buffers, far below the 150 MiB target).</summary>
    private static readonly int MaxParallelLayers = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Layers with less content than this are not handed to <c>whileBuilt</c>: streaming one costs a request more than uploading it after.</summary>
    public const long StreamMinBytes = 1 << 20;

    /// <summary>
    /// Builds the new layers into <paramref name="scratchDirectory"/> and returns the assembled image. Every planned layer
    /// whose diffID is a key of <paramref name="reusable"/> (layers of the image the destination tag holds now, each under
    /// the diffID <see cref="LayerRecords"/> proves and carrying it: see <see cref="ReusableLayers"/>) is reused as it is: its files are tarred and hashed,
    /// but nothing is compressed or uploaded. Each built layer is recorded in <paramref name="records"/>. The others are built in parallel; each
    /// that holds at least <see cref="StreamMinBytes"/> is handed to <paramref name="whileBuilt"/> as soon as its file
    /// exists, so it can be uploaded while it is compressed. A layer that cannot be recorded is said in <paramref name="events"/>' <see cref="IEvents.Debug"/>.
    /// </summary>
    public static async Task<AssembledImage> AssembleAsync(
        IImage baseImage, GeneratorImageSpec spec, string scratchDirectory, IReadOnlyDictionary<Digest, ILayer>? reusable = null,
        Action<PlannedLayer, GrowingLayerFile>? whileBuilt = null, LayerRecords? records = null, IEvents? events = null, CancellationToken ct = default)
    {
        var plan = Plan(baseImage, spec, ct);
        reusable ??= new Dictionary<Digest, ILayer>();
        // The layer each planned layer became (built here, or reused from the destination), in plan order.
        var added = new (ILayer Layer, bool Reused)[plan.Count];
        var staged = new ConcurrentBag<string>();
        try
        {
            // Largest first, so the longest build starts at once and the small ones fill the other cores.
            var order = Enumerable.Range(0, plan.Count).OrderByDescending(i => plan[i].FileBytes).ThenBy(i => i);
            var options = new ParallelOptions { MaxDegreeOfParallelism = MaxParallelLayers, CancellationToken = ct };
            await Parallel.ForEachAsync(order, options, async (i, token) =>
            {
                var planned = plan[i];
                if (reusable.Count > 0)
                {
                    var (diffId, _) = await LayerBuilder.ComputeDiffIdAsync(planned.Spec, token).ConfigureAwait(false);
                    if (reusable.TryGetValue(diffId, out var existing) && existing.DiffId == diffId)
                    {
                        added[i] = (existing, Reused: true);
                        return;
                    }
                }
                Action<GrowingLayerFile>? started = whileBuilt is not null && planned.FileBytes >= StreamMinBytes ? file => whileBuilt(planned, file) : null;
                var built = await LayerBuilder.BuildAsync(planned.Spec, scratchDirectory, started, token).ConfigureAwait(false);
                staged.Add(built.FilePath);
                if (records?.Remember(built.Descriptor, built.DiffId) is { } notRecorded) events?.Debug(notRecorded);
                added[i] = (built, Reused: false);
            }).ConfigureAwait(false);

            var image = baseImage;
            for (var i = 0; i < plan.Count; i++)
            {
                var history = new HistoryEntry
                {
                    Created = spec.Created,
                    CreatedBy = $"metagenerator build: {spec.Manifest.Name}:{spec.Manifest.Version} ({BuilderKindParser.Name(spec.Builder)} generator)",
                    Comment = plan[i].Contents,
                };
                image = ImageMutation.AppendLayer(image, added[i].Layer, history);
            }
            image = ImageMutation.EditConfig(image, config => Configure(config, spec));
            // The base manifest's own annotations describe the base (its base, its creation), not this image.
            image = ImageMutation.SetAnnotations(image, BaseAnnotations(baseImage, spec));
            // AppendLayer may rename media types (a Docker base keeps Docker names): report the layers as pushed.
            var newLayers = plan.Select((planned, i) =>
            {
                var layer = image.Layers[baseImage.Layers.Count + i];
                return new GeneratorLayer(planned.Contents, layer.Descriptor, layer.DiffId, added[i].Reused, planned.Files, planned.FileBytes);
            }).ToList();
            return new AssembledImage(image, newLayers, [.. staged]);
        }
        catch
        {
            foreach (var file in staged) File.Delete(file);
            throw;
        }
    }

    /// <summary>Everything the new layers hold together: the model source (minus .dockerignore), the manifest and the script.</summary>
    public static IReadOnlyList<LayerSource> ContentSources(GeneratorImageSpec spec) => [ModelSourceOf(spec), .. GeneratorFiles(spec)];

    /// <summary>
    /// The new layers, bottom to top: one per non-empty large-file group (files of at least
    /// <see cref="GeneratorImageSpec.LargeFileThreshold"/> bytes, grouped by a hash of their path), the rest of the model
    /// source, and the manifest with the generator script. At most <see cref="LayerPartitioner.LargeFileGroups"/> + 2 layers.
    /// </summary>
    /// <exception cref="LayerBuildException">The model source cannot be read, or holds a special file or an escaping symlink.</exception>
    public static IReadOnlyList<PlannedLayer> Plan(IImage baseImage, GeneratorImageSpec spec, CancellationToken ct = default)
    {
        var layers = new List<PlannedLayer>();
        foreach (var part in LayerPartitioner.SplitBySize([ModelSourceOf(spec)], spec.LargeFileThreshold, ct))
        {
            var contents = part.Kind == LayerPartKind.LargeFiles
                ? $"model source: large files, group {part.Group} of {LayerPartitioner.LargeFileGroups}"
                : "model source: small files, directories and symlinks";
            layers.Add(new PlannedLayer(contents, SpecOf([part.Source], baseImage, spec), part.Files, part.FileBytes));
        }
        var files = GeneratorFiles(spec);
        layers.Add(new PlannedLayer(
            $"{GeneratorImageLayout.Manifest.TrimStart('/')} and {Path.GetFileName(GeneratorImageLayout.Script)}",
            SpecOf(files, baseImage, spec),
            [.. files.Select(f => f.TargetPath)],
            files.Sum(f => (long)f.Content.Length)));
        return layers;
    }

    private static DirectorySource ModelSourceOf(GeneratorImageSpec spec) =>
        new(spec.ModelSource, GeneratorImageLayout.ModelSource.TrimStart('/'), UseDockerignore: true)
        {
            // The generator's builder needs the model Dockerfile in its context whatever .dockerignore says.
            AlwaysInclude = [spec.Manifest.ModelDockerfile, ".dockerignore"],
            // The credentials file in use never goes into the image, whatever .dockerignore says.
            ExcludedHostPaths = spec.ExcludedHostPaths,
        };

    private static FileSource[] GeneratorFiles(GeneratorImageSpec spec)
    {
        var script = Encoding.UTF8.GetBytes(GeneratorScript.Render(spec.Manifest, spec.Builder));
        return
        [
            new FileSource(GeneratorImageLayout.Manifest.TrimStart('/'), spec.Manifest.SourceBytes, (UnixFileMode)Convert.ToInt32("644", 8)),
            new FileSource(GeneratorImageLayout.Script.TrimStart('/'), script, (UnixFileMode)Convert.ToInt32("755", 8)),
        ];
    }

    private static LayerSpec SpecOf(IReadOnlyList<LayerSource> sources, IImage baseImage, GeneratorImageSpec spec) => new()
    {
        Sources = sources,
        Compression = spec.Compression,
        CompressionLevel = spec.CompressionLevel,
        ModificationTime = spec.Created,
        // Docker schema 2 has no zstd layer type: a zstd layer makes the image OCI (ImageMutation converts the base).
        MediaTypeFamily = spec.Compression == LayerCompression.Zstd ? MediaTypeFamily.Oci : Image.From(baseImage).MediaTypeFamily,
    };

    /// <summary>The OCI annotations naming the base this image was built on (image-spec annotations.md); a Docker schema 2 image has none.</summary>
    public static IReadOnlyDictionary<string, string> BaseAnnotations(IImage baseImage, GeneratorImageSpec spec)
    {
        var annotations = new Dictionary<string, string> { [BaseDigestAnnotation] = baseImage.Digest.ToString() };
        if (spec.BaseName is { } name) annotations[BaseNameAnnotation] = name;
        return annotations;
    }

    /// <summary>The annotation holding the base image's manifest digest.</summary>
    public const string BaseDigestAnnotation = "org.opencontainers.image.base.digest";

    /// <summary>The annotation holding the base image's reference.</summary>
    public const string BaseNameAnnotation = "org.opencontainers.image.base.name";

    /// <summary>
    /// Writes the manifest's value into the image's Env for each config key and build parameter the Env already defines
    /// (a builder setting the base image sets, e.g. moby/buildkit's BUILDKIT_HOST, or DOCKER_CONFIG). The script applies a
    /// manifest value only when the variable is unset, and the base's Env sets it: without this the base's default would
    /// win over the manifest. So the order is Docker's own: <c>docker run -e</c>, then this Env (the manifest's value), then
    /// the base's default; keys the base does not define stay out of the Env and the script's defaults serve them.
    /// </summary>
    public static void ApplyManifestOverBaseEnv(JsonObject config, GeneratorManifest manifest)
    {
        foreach (var (key, value) in manifest.Config.Select(c => (c.Key, c.Value.Text))
                     .Concat(manifest.BuildParameters.Select(p => (p.Name, p.Value.Text))))
        {
            if (ImageConfigEditor.GetEnv(config, key) is not null) ImageConfigEditor.SetEnv(config, key, value);
        }
    }

    private static void Configure(JsonObject config, GeneratorImageSpec spec)
    {
        ImageConfigEditor.SetCreated(config, spec.Created);
        ImageConfigEditor.SetWorkingDir(config, GeneratorImageLayout.Workspace);
        ImageConfigEditor.SetEntrypoint(config, GeneratorImageLayout.Entrypoint(spec.Builder));
        // The base's Cmd would arrive as arguments to the script (and `help` is one), so clear it.
        ImageConfigEditor.SetCmd(config, null);
        ImageConfigEditor.SetEnv(config, "MODEL_BUILD_CONTEXT", GeneratorImageLayout.ModelSource);
        ImageConfigEditor.SetEnv(config, "DOCKER_CONFIG", GeneratorImageLayout.Workspace);
        ApplyManifestOverBaseEnv(config, spec.Manifest);
        ImageConfigEditor.AddLabels(config, spec.Manifest.Labels.Concat(spec.ExtraLabels));
    }
}
