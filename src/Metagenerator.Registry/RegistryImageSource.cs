using System.Text.Json;
using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>Reads images from registries; an OCI index or Docker manifest list is resolved to the requested platform.</summary>
/// <remarks>What the registry sends is checked before use: a malformed manifest or config is a <see cref="RegistryException"/> naming the image.</remarks>
public sealed class RegistryImageSource : IImageSource
{
    private readonly RegistryClient _client;

    /// <summary>Reads through <paramref name="client"/>.</summary>
    public RegistryImageSource(RegistryClient client) => _client = client;

    /// <inheritdoc/>
    public async Task<IImage> ReadImageAsync(string reference, Platform platform, CancellationToken ct = default)
    {
        ImageReference parsed;
        try { parsed = ImageReference.Parse(reference); }
        catch (InvalidInputException e) { throw new InvalidInputException($"invalid image reference: {e.Message}", e.Remedy, e); }
        return await ReadImageAsync(parsed, platform, ct).ConfigureAwait(false);
    }

    /// <summary>Reads the image <paramref name="reference"/> names, for <paramref name="platform"/> when it is an index.</summary>
    /// <remarks>Its layers are <see cref="RegistryLayer"/>s, so a push to the same registry can mount them.</remarks>
    public async Task<Image> ReadImageAsync(ImageReference reference, Platform platform, CancellationToken ct = default)
    {
        var repository = _client.Repository(reference.Registry, reference.Repository);
        return await ReadImageAsync(reference, repository, repository, platform, ct).ConfigureAwait(false);
    }

    private static async Task<Image> ReadImageAsync(ImageReference reference, IManifestStore manifests, IBlobStore blobs, Platform platform, CancellationToken ct)
    {
        var fetched = await manifests.GetAsync(reference.ManifestReference, ct).ConfigureAwait(false);
        if (MediaTypes.IsIndex(fetched.MediaType))
        {
            var index = Parse(() => OciJson.ParseIndex(fetched.Bytes), reference, "index");
            var match = index.Manifests.FirstOrDefault(m => m is not null && MediaTypes.IsImageManifest(m.MediaType) && platform.Matches(m.Platform));
            if (match is null)
            {
                var available = string.Join(", ", index.Manifests.Where(m => m?.Platform is not null).Select(m => m.Platform!.ToString()).Distinct());
                throw new RegistryException(
                    $"reading {reference}: the image has no variant for platform {platform} (it has: {(available.Length > 0 ? available : "none")})",
                    $"reading manifest {reference.ManifestReference}", reference.Registry, reference.Repository,
                    remedy: new Remedy(RemedyKind.ChoosePlatform, reference.Registry));
            }
            fetched = await manifests.GetAsync(match.Digest.ToString(), ct).ConfigureAwait(false);
        }
        if (!MediaTypes.IsImageManifest(fetched.MediaType))
            throw Invalid(reference, $"media type '{fetched.MediaType}' is not an image manifest (expected {MediaTypes.OciManifest} or {MediaTypes.DockerManifest}; Docker schema 1 is not supported)");

        if (ImageDataCheck.ManifestProblem(fetched.Bytes) is { } manifestProblem)
            throw Invalid(reference, $"the registry sent an invalid manifest: {manifestProblem}");
        var manifest = Parse(() => OciJson.ParseManifest(fetched.Bytes), reference, "manifest");
        var config = await blobs.ReadAsync(manifest.Config, ct).ConfigureAwait(false);
        if (ImageDataCheck.ConfigProblem(config) is { } configProblem)
            throw Invalid(reference, $"the registry sent an invalid image config {RegistryClient.Short(manifest.Config.Digest)}: {configProblem}");
        try
        {
            // The same checks as every image's; the one place a registry image's layers are paired with its config's diffIDs.
            return Image.FromManifestAndConfig(fetched.Bytes, config, (d, diffId) => new RegistryLayer(blobs, d, diffId));
        }
        catch (ArgumentException e)
        {
            throw Invalid(reference, $"the registry sent an inconsistent image (manifest {RegistryClient.Short(fetched.Digest)}): {e.Message}");
        }
    }

    private static RegistryException Invalid(ImageReference reference, string what) =>
        new($"reading {reference}: {what}", $"reading manifest {reference.ManifestReference}", reference.Registry, reference.Repository);

    private static T Parse<T>(Func<T> parse, ImageReference reference, string what)
    {
        try { return parse(); }
        catch (JsonException e)
        {
            throw new RegistryException($"reading {reference}: the registry sent an invalid {what} ({e.Message})", $"reading {what} {reference.ManifestReference}", reference.Registry, reference.Repository, innerException: e);
        }
    }
}
