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
        Remedy? remedy = null,
        RegistryAuthFailure failure = RegistryAuthFailure.Refused)
        : base(message, operation, registry, repository, statusCode, errors, isTransient: false, innerException, remedy)
    {
        CredentialSource = credentialSource;
        Failure = failure;
    }

    /// <summary>Where credentials were looked up (config file path or helper), or null when no config was found.</summary>
    public string? CredentialSource { get; }

    /// <summary>Which refusal it was: each calls for a different fix, so callers and tests read it here, not in the message.</summary>
    public RegistryAuthFailure Failure { get; }
}

/// <summary>The kinds of authentication failure.</summary>
public enum RegistryAuthFailure
{
    /// <summary>A request was answered 401 or 403 (e.g. <c>DENIED</c>): these credentials, or none, may not do this.</summary>
    Refused,

    /// <summary>The registry or its token server rejected the credentials that were sent.</summary>
    CredentialsRejected,

    /// <summary>The registry requires authentication and there are no credentials for it.</summary>
    CredentialsMissing,

    /// <summary>Another host (a redirect or an upload location) asked for authentication; the registry's credentials are not sent there.</summary>
    ForeignOrigin,
}
