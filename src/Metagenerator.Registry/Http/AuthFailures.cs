namespace Metagenerator.Registry.Http;

/// <summary>The authentication errors, each naming the credentials source consulted and never a secret.</summary>
internal static class AuthFailures
{
    /// <summary>The registry or its token server refused the credentials that were sent.</summary>
    public static RegistryAuthException Rejected(RegistryRequestContext ctx, ICredentialProvider credentials, RegistryCredential? credential, IReadOnlyList<RegistryError> errors)
    {
        var source = credential?.Source ?? credentials.Description;
        return ErrorFactory.AuthFailed(ctx, $"{ctx.Registry} rejected the credentials{Said(errors)}. {ErrorFactory.CredentialHint(ctx.Registry, credentials, source)}",
            source, errors, failure: RegistryAuthFailure.CredentialsRejected);
    }

    /// <summary>The registry wants credentials and there are none for it.</summary>
    public static RegistryAuthException Missing(RegistryRequestContext ctx, ICredentialProvider credentials, IReadOnlyList<RegistryError> errors) =>
        ErrorFactory.AuthFailed(ctx, credentials is AnonymousCredentials
                ? $"{ctx.Registry} requires authentication{Said(errors)}, but no credentials are configured"
                : $"{ctx.Registry} requires authentication{Said(errors)}, but there are no credentials for {ctx.Registry} in {credentials.Description}",
            credentials.Description, errors, new Remedy(RemedyKind.ProvideCredentials, ctx.Registry), failure: RegistryAuthFailure.CredentialsMissing);

    /// <summary>Another origin (an upload session, a redirect) asks for authentication: the registry's credentials are not its to have.</summary>
    public static RegistryAuthException ForeignOrigin(RegistryRequestContext ctx, Uri answeredBy) =>
        ErrorFactory.AuthFailed(ctx, $"{ctx.Registry} sent the request on to {answeredBy.Authority}, which asks for authentication; " +
            $"the credentials for {ctx.Registry} are only sent to {ctx.Registry} and its token server, never to another host",
            credentialSource: null, failure: RegistryAuthFailure.ForeignOrigin);

    private static string Said(IReadOnlyList<RegistryError> errors) => errors.Count > 0 ? $" ({string.Join("; ", errors)})" : "";
}
