namespace Metagenerator.Registry.Auth;

/// <summary>Credentials for one registry, from a Docker config file or a credential helper.</summary>
/// <remarks><see cref="ToString"/> is redacted: a credential must never reach a log or message.</remarks>
public sealed record RegistryCredential
{
    /// <summary>User name for Basic auth or a token request.</summary>
    public string? Username { get; init; }

    /// <summary>Password for Basic auth or a token request.</summary>
    public string? Password { get; init; }

    /// <summary>OAuth2 refresh token (<c>identitytoken</c>), exchanged at the token endpoint with a POST.</summary>
    public string? IdentityToken { get; init; }

    /// <summary>A bearer token sent to the registry as is (<c>registrytoken</c>).</summary>
    public string? RegistryToken { get; init; }

    /// <summary>Where these credentials came from, for messages (e.g. <c>/root/.docker/config.json</c> or <c>docker-credential-pass</c>).</summary>
    public required string Source { get; init; }

    /// <summary>True when a user name and password are present.</summary>
    public bool HasPassword => !string.IsNullOrEmpty(Username) && Password is not null;

    /// <summary>Redacted description: which fields are set and where they came from, never their values.</summary>
    public override string ToString()
    {
        var kinds = new List<string>();
        if (HasPassword) kinds.Add("username/password");
        if (IdentityToken is not null) kinds.Add("identity token");
        if (RegistryToken is not null) kinds.Add("registry token");
        return $"credentials ({string.Join(", ", kinds)}) from {Source}";
    }
}
