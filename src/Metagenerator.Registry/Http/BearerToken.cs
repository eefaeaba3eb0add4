namespace Metagenerator.Registry.Http;

/// <summary>A bearer token from a token server, with its expiry and the scopes it was granted for.</summary>
internal sealed record BearerToken(string Token, DateTimeOffset ExpiresAt)
{
    public ScopeSet Scopes { get; init; } = ScopeSet.Empty;

    public override string ToString() => $"token (redacted, expires {ExpiresAt:O})";
}
