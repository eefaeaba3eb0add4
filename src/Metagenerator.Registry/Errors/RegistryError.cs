namespace Metagenerator.Registry.Errors;

/// <summary>One entry of a registry's error body (<c>{"errors":[{"code","message","detail"}]}</c>).</summary>
/// <remarks>https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes</remarks>
public sealed record RegistryError(string Code, string Message, string? Detail)
{
    /// <summary>The code and message as the registry wrote them, e.g. <c>BLOB_UNKNOWN: blob unknown to registry</c>.</summary>
    public override string ToString() => string.IsNullOrEmpty(Message) ? Code : $"{Code}: {Message}";
}
