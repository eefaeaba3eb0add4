using System.Net;

namespace Metagenerator.Registry.Http;

/// <summary>The authentication errors, each naming the credentials source consulted and never a secret.</summary>
internal static class AuthFailures
{
    /// <summary>The registry or its token server refused the credentials that were sent.</summary>
    public static RegistryAuthException Rejected(RegistryRequestContext ctx, ICredentialProvider credentials, RegistryCredential? credential, IReadOnlyList<RegistryError> errors)
    {
        var source = credential?.Source ?? credentials.Description;
        return new RegistryAuthException(
            $"{ctx.Describe()}: {ctx.Registry} rejected the credentials{Said(errors)}. {ErrorFactory.CredentialHint(ctx.Registry, credentials, source)}",
            ctx.Operation, ctx.Registry, ctx.Repository, source, HttpStatusCode.Unauthorized, errors);
    }

    /// <summary>The registry wants credentials and there are none for it.</summary>
    public static RegistryAuthException Missing(RegistryRequestContext ctx, ICredentialProvider credentials, IReadOnlyList<RegistryError> errors) =>
        new(credentials is AnonymousCredentials
                ? $"{ctx.Describe()}: {ctx.Registry} requires authentication{Said(errors)}, but no credentials are configured"
                : $"{ctx.Describe()}: {ctx.Registry} requires authentication{Said(errors)}, but there are no credentials for {ctx.Registry} in {credentials.Description}",
            ctx.Operation, ctx.Registry, ctx.Repository, credentials.Description, HttpStatusCode.Unauthorized, errors,
            remedy: new Remedy(RemedyKind.ProvideCredentials, ctx.Registry));

    /// <summary>Another origin (an upload session, a redirect) asks for authentication: the registry's credentials are not its to have.</summary>
    public static RegistryAuthException ForeignOrigin(RegistryRequestContext ctx, Uri answeredBy) =>
        new($"{ctx.Describe()}: {ctx.Registry} sent the request on to {answeredBy.Authority}, which asks for authentication; " +
            $"the credentials for {ctx.Registry} are only sent to {ctx.Registry} and its token server, never to another host",
            ctx.Operation, ctx.Registry, ctx.Repository, credentialSource: null, HttpStatusCode.Unauthorized);

    private static string Said(IReadOnlyList<RegistryError> errors) => errors.Count > 0 ? $" ({string.Join("; ", errors)})" : "";
}
