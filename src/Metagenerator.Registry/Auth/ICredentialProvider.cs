namespace Metagenerator.Registry.Auth;

/// <summary>Looks up credentials for a registry host.</summary>
public interface ICredentialProvider
{
    /// <summary>The credentials for <paramref name="registryHost"/> (host or host:port), or null when none are configured.</summary>
    Task<RegistryCredential?> ResolveAsync(string registryHost, CancellationToken ct = default);

    /// <summary>Describes where credentials are looked up, for error messages (e.g. the config file path).</summary>
    string Description => GetType().Name;
}

/// <summary>A provider that never has credentials (anonymous access).</summary>
public sealed class AnonymousCredentials : ICredentialProvider
{
    /// <summary>The shared instance.</summary>
    public static AnonymousCredentials Instance { get; } = new();

    /// <inheritdoc/>
    public Task<RegistryCredential?> ResolveAsync(string registryHost, CancellationToken ct = default) =>
        Task.FromResult<RegistryCredential?>(null);

    /// <inheritdoc/>
    public string Description => "no credentials configured";
}
