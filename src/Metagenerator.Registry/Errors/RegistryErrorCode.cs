namespace Metagenerator.Registry.Errors;

/// <summary>The error codes of the OCI Distribution spec, as a registry names them in its error body.</summary>
/// <remarks>https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes</remarks>
public enum RegistryErrorCode
{
    /// <summary>A code the spec does not list (the registry's own, or none).</summary>
    Unlisted,

    /// <summary><c>UNKNOWN</c>: not in the spec's table, but what Docker's distribution registry sends for an unexpected failure.</summary>
    Unknown,

    /// <summary><c>BLOB_UNKNOWN</c>: blob unknown to registry.</summary>
    BlobUnknown,

    /// <summary><c>BLOB_UPLOAD_INVALID</c>: blob upload invalid.</summary>
    BlobUploadInvalid,

    /// <summary><c>BLOB_UPLOAD_UNKNOWN</c>: blob upload unknown to registry.</summary>
    BlobUploadUnknown,

    /// <summary><c>DIGEST_INVALID</c>: provided digest did not match uploaded content.</summary>
    DigestInvalid,

    /// <summary><c>MANIFEST_BLOB_UNKNOWN</c>: manifest references a manifest or blob unknown to registry.</summary>
    ManifestBlobUnknown,

    /// <summary><c>MANIFEST_INVALID</c>: manifest invalid.</summary>
    ManifestInvalid,

    /// <summary><c>MANIFEST_UNKNOWN</c>: manifest unknown to registry.</summary>
    ManifestUnknown,

    /// <summary><c>NAME_INVALID</c>: invalid repository name.</summary>
    NameInvalid,

    /// <summary><c>NAME_UNKNOWN</c>: repository name not known to registry.</summary>
    NameUnknown,

    /// <summary><c>SIZE_INVALID</c>: provided length did not match content length.</summary>
    SizeInvalid,

    /// <summary><c>UNAUTHORIZED</c>: authentication required.</summary>
    Unauthorized,

    /// <summary><c>DENIED</c>: requested access to the resource is denied.</summary>
    Denied,

    /// <summary><c>UNSUPPORTED</c>: the operation is unsupported.</summary>
    Unsupported,

    /// <summary><c>TOOMANYREQUESTS</c>: too many requests.</summary>
    TooManyRequests,
}
