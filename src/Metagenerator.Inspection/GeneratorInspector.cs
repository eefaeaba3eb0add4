using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Inspection;

/// <summary>Reads generator images and the model images they built the way the Model API does (docs/contracts.md §7): a tag's
/// manifest, then the config blob it names, whose labels become nested maps split on dots.</summary>
public sealed class GeneratorInspector
{
    /// <summary>The OCI label naming the image (written by <c>build</c>).</summary>
    public const string TitleLabel = "org.opencontainers.image.title";

    /// <summary>The OCI label giving the image version (written by <c>build</c>).</summary>
    public const string VersionLabel = "org.opencontainers.image.version";

    private const string GeneratorHistoryPrefix = "metagenerator build:";

    private readonly RegistryClient _client;

    /// <summary>Reads through <paramref name="client"/> (its credentials, TLS settings and retries).</summary>
    public GeneratorInspector(RegistryClient client) => _client = client;

    /// <summary>Reads the generator image <paramref name="reference"/> names (a registry reference or <c>oci:DIR[:TAG]</c>).</summary>
    /// <exception cref="ImageUnavailableException">The image is missing or unreadable.</exception>
    /// <exception cref="NotAGeneratorImageException">It is an index, or has no labels under <c>&lt;name&gt;.&lt;version&gt;.</c>.</exception>
    public async Task<GeneratorInspection> InspectAsync(string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (OciLayoutReference.IsOciLayoutReference(reference))
        {
            if (!OciLayoutReference.TryParse(reference, out var layoutReference, out var error)) throw new InvalidReferenceException(error);
            var image = await ReadLayoutAsync(layoutReference, ct).ConfigureAwait(false);
            return Describe(reference, image, lookupName: null, lookupTag: layoutReference.Tag);
        }
        if (!ImageReference.TryParse(reference, out var parsed, out var refError)) throw new InvalidReferenceException(refError);
        var fromRegistry = await ReadRegistryAsync(parsed, ct).ConfigureAwait(false);
        return Describe(reference, fromRegistry, parsed.Repository[(parsed.Repository.LastIndexOf('/') + 1)..], parsed.Tag);
    }

    /// <summary>Every label that differs between the registry image and what <paramref name="manifest"/> gives (its labels
    /// and the title/version labels), local order first; an empty list means they agree.</summary>
    public static IReadOnlyList<LabelDifference> Compare(GeneratorInspection inspection, GeneratorManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        ArgumentNullException.ThrowIfNull(manifest);
        var local = manifest.Labels.GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        var remote = inspection.Labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        var prefixes = new[] { $"{manifest.Name}.{manifest.Version}.", inspection.Generator.LabelPrefix };
        bool Compared(string key) => key is TitleLabel or VersionLabel || prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

        var keys = manifest.Labels.Select(l => l.Key).Concat(inspection.Labels.Select(l => l.Key).Where(Compared)).Distinct(StringComparer.Ordinal);
        var differences = new List<LabelDifference>();
        foreach (var key in keys)
        {
            var inRegistry = remote.GetValueOrDefault(key);
            var inManifest = local.GetValueOrDefault(key);
            if (inRegistry != inManifest) differences.Add(new LabelDifference(key, inRegistry, inManifest));
        }
        return differences;
    }

    /// <summary>
    /// The model images <paramref name="generator"/> built: repositories <c>MODEL_REGISTRY/&lt;name&gt;/&lt;version&gt;/&lt;model&gt;</c>
    /// found in the registry's catalog, each tag read as the Model API reads it. Deeper repositories (a builder's
    /// <c>…/cache</c>) are skipped, as the Model API skips them.
    /// </summary>
    public async Task<IReadOnlyList<ModelDescription>> ListModelsAsync(GeneratorDescription generator, int pageSize = RegistryListing.DefaultPageSize, CancellationToken ct = default)
    {
        var (registry, repositoryPrefix) = ModelLocation(generator);
        var listing = new RegistryListing(_client, pageSize);
        var repositories = (await listing.ListRepositoriesAsync(registry, ct).ConfigureAwait(false))
            .Where(r => r.StartsWith(repositoryPrefix, StringComparison.Ordinal) && r.Length > repositoryPrefix.Length && !r[repositoryPrefix.Length..].Contains('/'))
            .Order(StringComparer.Ordinal);

        var models = new List<ModelDescription>();
        foreach (var repository in repositories)
        {
            var name = repository[repositoryPrefix.Length..];
            IReadOnlyList<string> tags;
            try
            {
                tags = await listing.ListTagsAsync(registry, repository, ct).ConfigureAwait(false);
            }
            catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                continue; // listed in the catalog, but every tag is gone
            }
            foreach (var tag in tags.Order(StringComparer.Ordinal))
                models.Add(await ReadModelAsync(generator, registry, repository, name, tag, ct).ConfigureAwait(false));
        }
        return models;
    }

    /// <summary>Where <paramref name="generator"/>'s model images live: the registry host and the repository prefix
    /// <c>[path/]name/version/</c> that <c>config.MODEL_REGISTRY</c> gives (docs/contracts.md §1).</summary>
    /// <exception cref="NotAGeneratorImageException">The labels give no usable MODEL_REGISTRY.</exception>
    public static (string Registry, string RepositoryPrefix) ModelLocation(GeneratorDescription generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var modelRegistry = generator.ModelRegistry
            ?? throw new NotAGeneratorImageException($"generator {generator.Name}:{generator.Version} has no label {generator.LabelPrefix}config.MODEL_REGISTRY, so its model images cannot be found");
        var prefix = modelRegistry.TrimEnd('/');
        var probeText = $"{(prefix.Length == 0 ? "" : prefix + "/")}{generator.Name}/{generator.Version}/model";
        if (!ImageReference.TryParse(probeText, out var probe, out var error))
            throw new NotAGeneratorImageException($"the label {generator.LabelPrefix}config.MODEL_REGISTRY '{modelRegistry}' does not give valid model image names: {error}");
        return (probe.Registry, probe.Repository[..^"model".Length]);
    }

    /// <summary>The model image <paramref name="modelName"/>:<paramref name="tag"/> of <paramref name="generator"/>, read as the
    /// Model API reads it, or null when the registry has no such repository or tag.</summary>
    public async Task<ModelDescription?> FindModelAsync(GeneratorDescription generator, string modelName, string tag, CancellationToken ct = default)
    {
        var (registry, repositoryPrefix) = ModelLocation(generator);
        try
        {
            return await ReadModelAsync(generator, registry, repositoryPrefix + modelName, modelName, tag, ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// One model tag as the Model API reads it. A tag that does not hold a readable linux/amd64 image (an index without
    /// one, an OCI artifact or Helm chart, a config that is not JSON, a blob gone) is listed with <see cref="ModelDescription.Problem"/>
    /// saying why, so one odd tag does not hide the others; a registry that fails (network, auth, 5xx) still fails the listing.
    /// </summary>
    private async Task<ModelDescription> ReadModelAsync(GeneratorDescription generator, string registry, string repository, string name, string tag, CancellationToken ct)
    {
        var reference = new ImageReference { Registry = registry, Repository = repository, Tag = tag };
        var fetched = await _client.Repository(registry, repository).GetAsync(tag, ct).ConfigureAwait(false);
        var isIndex = MediaTypes.IsIndex(fetched.MediaType);
        try
        {
            if (!isIndex && !MediaTypes.IsImageManifest(fetched.MediaType))
                return Odd($"its manifest has media type '{fetched.MediaType}', not an image manifest");
            // An artifact's config is no image config: say what it is rather than why it fails as one.
            if (!isIndex && ArtifactProblem(OciJson.ParseManifest(fetched.Bytes).Config.MediaType) is { } artifact) return Odd(artifact);
            // Pinned to the digest just read, so manifest and config belong to the same image even if the tag moves meanwhile.
            var image = await new RegistryImageSource(_client).ReadImageAsync(reference.WithDigest(fetched.Digest), Platform.LinuxAmd64, ct).ConfigureAwait(false);
            if (ArtifactProblem(image.Manifest.Config.MediaType) is { } indexedArtifact) return Odd(indexedArtifact);
            var (labels, created) = ReadConfig(reference.ToString(), image.ConfigBytes);
            return ModelDescription.FromLabels(generator.Name, generator.Version, name, tag, reference.ToString(), fetched.Digest.ToString(),
                labels, created, isIndex);
        }
        catch (RegistryException e) when (!e.IsTransient && e.StatusCode is null or HttpStatusCode.NotFound)
        {
            return Odd(e.Message);
        }
        catch (ImageUnavailableException e)
        {
            return Odd(e.Message);
        }
        catch (JsonException e)
        {
            return Odd($"its manifest is not valid JSON ({e.Message})");
        }

        static string? ArtifactProblem(string configType) => configType is MediaTypes.OciConfig or MediaTypes.DockerConfig ? null
            : $"it is not a container image but an artifact (config media type '{configType}'{(configType.Contains("helm", StringComparison.Ordinal) ? ", a Helm chart" : "")})";

        ModelDescription Odd(string problem) => new()
        {
            Name = name, Tag = tag, Reference = reference.ToString(), Digest = fetched.Digest.ToString(), IsIndex = isIndex,
            HasModelLabels = false, Problem = $"the Model API cannot read this tag: {problem}",
        };
    }

    private async Task<IImage> ReadRegistryAsync(ImageReference reference, CancellationToken ct)
    {
        ManifestResponse fetched;
        try
        {
            fetched = await _client.Repository(reference.Registry, reference.Repository).GetAsync(reference.ManifestReference, ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ImageUnavailableException($"{reference}: no such image in {reference.Registry} ({e.Message})", e);
        }
        if (MediaTypes.IsIndex(fetched.MediaType)) throw IndexIsNotAGenerator(reference.ToString());
        if (!MediaTypes.IsImageManifest(fetched.MediaType))
            throw new NotAGeneratorImageException($"{reference} is not a generator image: its manifest has media type '{fetched.MediaType}', not an image manifest");
        return await new RegistryImageSource(_client).ReadImageAsync(reference.WithDigest(fetched.Digest), Platform.LinuxAmd64, ct).ConfigureAwait(false);
    }

    private static async Task<IImage> ReadLayoutAsync(OciLayoutReference reference, CancellationToken ct)
    {
        var layout = new OciLayout(reference.Directory);
        try
        {
            var index = await layout.ReadIndexAsync(ct).ConfigureAwait(false)
                ?? throw new ImageUnavailableException($"{reference}: {layout.Directory} is not an OCI image layout (no index.json)");
            var entries = index.Manifests.Where(d => reference.Tag is null
                || d.Annotations?.GetValueOrDefault(OciLayout.RefNameAnnotation) == reference.Tag || d.Digest.ToString() == reference.Tag).ToList();
            if (entries.Count == 1 && MediaTypes.IsIndex(entries[0].MediaType)) throw IndexIsNotAGenerator(reference.ToString());
            return await layout.ReadImageAsync(reference.Tag ?? "", Platform.LinuxAmd64, ct).ConfigureAwait(false);
        }
        catch (OciLayoutException e)
        {
            throw new ImageUnavailableException(e.Message, e);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ImageUnavailableException($"{reference}: the image cannot be read ({e.Message})", e);
        }
    }

    private static NotAGeneratorImageException IndexIsNotAGenerator(string reference) => new(
        $"{reference} is not a generator image: it is an image index (a multi-platform image), and the Model API reads a tag's " +
        "manifest and then its config.digest, which an index does not have; a generator image is a single image manifest");

    private static GeneratorInspection Describe(string reference, IImage image, string? lookupName, string? lookupTag)
    {
        var (labels, created) = ReadConfig(reference, image.ConfigBytes);
        var tree = LabelTree.FromLabels(labels);
        var title = labels.FirstOrDefault(l => l.Key == TitleLabel).Value;
        var version = labels.FirstOrDefault(l => l.Key == VersionLabel).Value;

        // The Model API looks a generator up by its repository name and tag; build also writes the title/version labels.
        var candidates = new List<(string Name, string Version)>();
        if (lookupName is not null && lookupTag is not null) candidates.Add((lookupName, lookupTag));
        if (title is not null && version is not null) candidates.Add((title, version));
        if (title is not null && lookupTag is not null) candidates.Add((title, lookupTag));
        var found = candidates.FirstOrDefault(c => tree.Find(c.Name, c.Version) is { Count: > 0 });
        if (found == default)
        {
            var looked = candidates.Count == 0 ? "<name>.<version>." : string.Join(" or ", candidates.Distinct().Select(c => $"{c.Name}.{c.Version}."));
            var elsewhere = labels.Select(l => l.Key.Split('.')).Where(p => p.Length == 4 && p[2] == "config" && p[3] == "MODEL_REGISTRY")
                .Select(p => $"{p[0]}.{p[1]}.").Distinct().ToList();
            throw new NotAGeneratorImageException(
                $"{reference} is not a generator image: it has no labels under {looked} (the Model API reads a generator's labels under <name>.<version>.)"
                + (elsewhere.Count > 0 ? $"; it has generator labels under {string.Join(", ", elsewhere)}" : ""));
        }

        string? warning = null;
        if (lookupName is not null && lookupTag is not null && found != (lookupName, lookupTag))
            warning = $"the Model API looks this image up as generator {lookupName}:{lookupTag} and reads labels under {lookupName}.{lookupTag}., " +
                      $"but its labels are under {found.Name}.{found.Version}.; it would answer 'labels missing'";

        var manifest = image.Manifest;
        return new GeneratorInspection
        {
            Reference = reference,
            Digest = image.Digest.ToString(),
            MediaType = manifest.MediaType,
            Size = image.ManifestBytes.Length + manifest.Config.Size + manifest.Layers.Sum(l => l.Size),
            LayerCount = manifest.Layers.Count,
            Created = created,
            Base = DescribeBase(image),
            Labels = labels,
            Generator = GeneratorDescription.FromLabels(found.Name, found.Version, tree.Find(found.Name, found.Version)!),
            Warning = warning,
        };
    }

    /// <summary>The config's labels (in stored order; non-string values as their JSON text) and <c>created</c>.</summary>
    private static (IReadOnlyList<KeyValuePair<string, string>> Labels, string? Created) ReadConfig(string reference, ReadOnlyMemory<byte> configBytes)
    {
        try
        {
            var config = JsonNode.Parse(configBytes.Span) as JsonObject ?? throw new JsonException("the config is not a JSON object");
            var labels = (config["config"] as JsonObject)?["Labels"] as JsonObject;
            var list = labels is null ? [] : labels.Select(l => new KeyValuePair<string, string>(l.Key,
                l.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : l.Value?.ToJsonString() ?? "")).ToList();
            return (list, config["created"] is JsonValue c && c.TryGetValue<string>(out var created) ? created : null);
        }
        catch (JsonException e)
        {
            throw new ImageUnavailableException($"{reference}: the image config is not valid JSON ({e.Message})", e);
        }
    }

    private static BaseImageDescription DescribeBase(IImage image)
    {
        var layers = image.Manifest.Layers;
        // The manifest's org.opencontainers.image.base.* annotations are not used: build writes them now, but images built
        // earlier kept the base manifest's annotations, which describe the base's own base, not the generator's.
        // Map history entries to layers (empty_layer entries have none) and find the entry build wrote.
        var history = (JsonNode.Parse(image.ConfigBytes.Span)?["history"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        int? generatorLayer = null;
        string? lastStep = null;
        var layerIndex = 0;
        foreach (var entry in history)
        {
            var createdBy = entry["created_by"] is JsonValue cb && cb.TryGetValue<string>(out var text) ? text : null;
            var empty = entry["empty_layer"] is JsonValue e && e.TryGetValue<bool>(out var isEmpty) && isEmpty;
            if (createdBy?.StartsWith(GeneratorHistoryPrefix, StringComparison.Ordinal) == true && !empty)
            {
                generatorLayer = layerIndex;
                break;
            }
            if (!string.IsNullOrEmpty(createdBy)) lastStep = createdBy;
            if (!empty) layerIndex++;
        }
        var baseLayers = Math.Clamp(generatorLayer ?? layers.Count - 1, 0, layers.Count);
        return new BaseImageDescription(generatorLayer is not null ? "history" : "layers", baseLayers,
            baseLayers > 0 ? layers[baseLayers - 1].Digest.ToString() : null, generatorLayer is not null ? lastStep : null);
    }
}
