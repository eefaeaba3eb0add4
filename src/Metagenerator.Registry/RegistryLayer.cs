using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>A layer stored in a registry; opening it streams the blob, and a push to the same registry can mount it.</summary>
public sealed class RegistryLayer : IRegistryLayer
{
    private readonly RegistryClient _client;

    /// <summary>Creates a layer handle (nothing is fetched until opened).</summary>
    public RegistryLayer(RegistryClient client, string registry, string repository, Descriptor descriptor)
    {
        _client = client;
        Registry = registry;
        Repository = repository;
        Descriptor = descriptor;
    }

    /// <inheritdoc/>
    public Descriptor Descriptor { get; }

    /// <inheritdoc/>
    public string Registry { get; }

    /// <inheritdoc/>
    public string Repository { get; }

    /// <inheritdoc/>
    public Task<Stream> OpenCompressedAsync(CancellationToken ct = default) => _client.OpenBlobAsync(Registry, Repository, Descriptor.Digest, ct);
}
