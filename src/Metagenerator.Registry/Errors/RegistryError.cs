namespace Metagenerator.Registry.Errors;

/// <summary>One entry of a registry's error body (<c>{"errors":[{"code","message","detail"}]}</c>).</summary>
/// <remarks>https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes</remarks>
public sealed record RegistryError(string Code, string Message, string? Detail)
{
    /// <summary><see cref="Code"/> as one of the spec's codes; <see cref="RegistryErrorCode.Unlisted"/> when it is none of them.</summary>
    public RegistryErrorCode ErrorCode => Code switch
    {
        "UNKNOWN" => RegistryErrorCode.Unknown,
        "BLOB_UNKNOWN" => RegistryErrorCode.BlobUnknown,
        "BLOB_UPLOAD_INVALID" => RegistryErrorCode.BlobUploadInvalid,
        "BLOB_UPLOAD_UNKNOWN" => RegistryErrorCode.BlobUploadUnknown,
        "DIGEST_INVALID" => RegistryErrorCode.DigestInvalid,
        "MANIFEST_BLOB_UNKNOWN" => RegistryErrorCode.ManifestBlobUnknown,
        "MANIFEST_INVALID" => RegistryErrorCode.ManifestInvalid,
        "MANIFEST_UNKNOWN" => RegistryErrorCode.ManifestUnknown,
        "NAME_INVALID" => RegistryErrorCode.NameInvalid,
        "NAME_UNKNOWN" => RegistryErrorCode.NameUnknown,
        "SIZE_INVALID" => RegistryErrorCode.SizeInvalid,
        "UNAUTHORIZED" => RegistryErrorCode.Unauthorized,
        "DENIED" => RegistryErrorCode.Denied,
        "UNSUPPORTED" => RegistryErrorCode.Unsupported,
        "TOOMANYREQUESTS" => RegistryErrorCode.TooManyRequests,
        _ => RegistryErrorCode.Unlisted,
    };

    /// <summary>The code and message as the registry wrote them, e.g. <c>BLOB_UNKNOWN: blob unknown to registry</c>.</summary>
    public override string ToString() => string.IsNullOrEmpty(Message) ? Code : $"{Code}: {Message}";
}
