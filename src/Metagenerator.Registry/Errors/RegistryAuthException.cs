using System.Net;

namespace Metagenerator.Registry.Errors;

/// <summary>The registry (or its token server) refused us: wrong credentials, or none where some are needed.</summary>
/// <remarks>The message names the credentials source that was consulted (a config file or helper), never the secret.</remarks>
public sealed class RegistryAuthException : RegistryException
{
    /// <summary>Creates an authentication failure.</summary>
    public RegistryAuthException(
        string message,
        string operation,
        string registry,
        string? repository,
        string? credentialSource,
        HttpStatusCode? statusCode = null,
        IReadOnlyList<RegistryError>? errors = null,
        Exception? innerException = null,
        Remedy? remedy = null)
        : base(message, operation, registry, repository, statusCode, errors, isTransient: false, innerException, remedy)
    {
        CredentialSource = credentialSource;
    }

    /// <summary>Where credentials were looked up (config file path or helper), or null when no config was found.</summary>
    public string? CredentialSource { get; }
}
