namespace Metagenerator.Errors;

/// <summary>The kinds of fix a library can suggest without knowing how the user talks to it (flags, settings).</summary>
public enum RemedyKind
{
    /// <summary>Trust the CA that signed <see cref="Remedy.Registry"/>'s certificate.</summary>
    TrustRegistryCertificate,

    /// <summary>Talk to <see cref="Remedy.Registry"/> without verifying its certificate (insecure).</summary>
    SkipTlsVerification,

    /// <summary>Allow plain HTTP (and unverified TLS) for <see cref="Remedy.Registry"/>.</summary>
    AllowPlainHttp,

    /// <summary><see cref="Remedy.Registry"/> speaks HTTPS: stop treating it as plain HTTP.</summary>
    UseHttps,

    /// <summary>Provide credentials for <see cref="Remedy.Registry"/> in a Docker config file.</summary>
    ProvideCredentials,

    /// <summary>Choose one platform of a multi-platform image; <see cref="Remedy.Detail"/> lists the choices.</summary>
    ChoosePlatform,

    /// <summary>Use a different image reference.</summary>
    ChooseImageReference,
}

/// <summary>A fix in library terms: what to do, for which registry, with an optional detail.</summary>
public sealed record Remedy(RemedyKind Kind, string? Registry = null, string? Detail = null);
