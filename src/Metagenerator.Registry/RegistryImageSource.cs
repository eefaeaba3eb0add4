using System.Text.Json;
using System.Text.Json.Nodes;
using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>Reads images from registries; an OCI index or Docker manifest list is resolved to the requested platform.</summary>
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
    public async Task<RegistryImage> ReadImageAsync(ImageReference reference, Platform platform, CancellationToken ct = default)
    {
        var (registry, repository) = (reference.Registry, reference.Repository);
        var fetched = await _client.GetManifestAsync(registry, repository, reference.ManifestReference, ct).ConfigureAwait(false);
        if (MediaTypes.IsIndex(fetched.MediaType))
        {
            var index = Parse(() => OciJson.ParseIndex(fetched.Bytes), reference, "index");
            var match = index.Manifests.FirstOrDefault(m => MediaTypes.IsImageManifest(m.MediaType) && platform.Matches(m.Platform));
            if (match is null)
            {
                var available = string.Join(", ", index.Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString()).Distinct());
                throw new RegistryException(
                    $"reading {reference}: the image has no variant for platform {platform} (it has: {(available.Length > 0 ? available : "none")}); choose one with --custom-platform",
                    $"reading manifest {reference.ManifestReference}", registry, repository);
            }
            fetched = await _client.GetManifestAsync(registry, repository, match.Digest.ToString(), ct).ConfigureAwait(false);
        }
        if (!MediaTypes.IsImageManifest(fetched.MediaType))
            throw new RegistryException(
                $"reading {reference}: media type '{fetched.MediaType}' is not an image manifest (expected {MediaTypes.OciManifest} or {MediaTypes.DockerManifest}; Docker schema 1 is not supported)",
                $"reading manifest {reference.ManifestReference}", registry, repository);

        var manifest = Parse(() => ParseManifest(fetched), reference, "manifest");
        var config = await _client.ReadBlobBytesAsync(registry, repository, manifest.Config, ct).ConfigureAwait(false);
        var layers = manifest.Layers.Select(d => (ILayer)new RegistryLayer(_client, registry, repository, d)).ToList();
        return new RegistryImage(reference.WithDigest(fetched.Digest), manifest, fetched.Bytes, config, layers);
    }

    /// <summary>Parses a manifest; one without a <c>mediaType</c> field (optional in OCI, e.g. umoci's) gets the type the registry reported.</summary>
    private static ImageManifest ParseManifest(ManifestResponse fetched)
    {
        if (OciJson.PeekMediaType(fetched.Bytes) is not null) return OciJson.ParseManifest(fetched.Bytes);
        // Only the parsed model is patched; the exact bytes (and so the digest) stay as the registry sent them.
        var node = JsonNode.Parse(fetched.Bytes)?.AsObject() ?? throw new JsonException("the manifest is not a JSON object");
        node["mediaType"] = fetched.MediaType;
        return OciJson.ParseManifest(OciJson.Serialize(node));
    }

    private static T Parse<T>(Func<T> parse, ImageReference reference, string what)
    {
        try { return parse(); }
        catch (JsonException e)
        {
            throw new RegistryException($"reading {reference}: the registry sent an invalid {what} ({e.Message})", $"reading {what} {reference.ManifestReference}", reference.Registry, reference.Repository, innerException: e);
        }
    }
}
