namespace Metagenerator.Registry;

/// <summary>The manifests (and tags) of one repository of one registry.</summary>
public interface IManifestStore
{
    /// <summary>The registry host (with port).</summary>
    string Registry { get; }

    /// <summary>The repository.</summary>
    string Repository { get; }

    /// <summary>A manifest or index by tag or digest; a digest reference is verified against the bytes.</summary>
    Task<ManifestResponse> GetAsync(string reference, CancellationToken ct = default);

    /// <summary>Stores a manifest under a tag or digest; returns its digest, checked against the one the registry reports.</summary>
    Task<Oci.Digest> PutAsync(string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct = default);
}
