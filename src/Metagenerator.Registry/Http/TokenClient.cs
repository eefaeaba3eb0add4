using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Metagenerator.Registry.Http;

/// <summary>Gets bearer tokens from the token server a registry's challenge names (the realm).</summary>
/// <remarks>
/// GET with Basic credentials (docker's flow), or the OAuth2 refresh-token POST for an identity token. The password or
/// identity token never goes over plain HTTP from an https registry unless the user made the realm's host insecure, and
/// never follows a redirect to another origin (<see cref="RedirectHandler.StaysOnOrigin"/>).
/// Each fetch has its own deadline: it is shared by every request waiting for the token, so no single caller may cancel it.
/// https://distribution.github.io/distribution/spec/auth/token/ and .../spec/auth/oauth/
/// </remarks>
internal sealed class TokenClient(ICredentialProvider credentials, Func<string, bool> isPlainHttpAllowed, HttpMessageHandler inner, TimeProvider time)
{
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    private readonly HttpMessageInvoker _http = new(inner, disposeHandler: false);
    private int _requests;

    /// <summary>How many token requests were made.</summary>
    public int Requests => _requests;

    public async Task<BearerToken> FetchAsync(AuthChallenge challenge, IReadOnlyList<string> scopes, RegistryCredential? credential, RegistryRequestContext ctx)
    {
        if (challenge.Realm is not { Length: > 0 } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
            throw ErrorFactory.Failed(ctx, $"{ctx.Registry} asked for a bearer token but named no valid token server (realm)", HttpStatusCode.Unauthorized);

        var tokenCtx = ctx with { Operation = $"getting a token from {realmUri.GetLeftPart(UriPartial.Path)} for {ctx.Operation}" };
        var sendsSecret = credential is { HasPassword: true } || credential?.IdentityToken is not null;
        if (sendsSecret && realmUri.Scheme == Uri.UriSchemeHttp && ctx.Origin.Scheme == Uri.UriSchemeHttps && !isPlainHttpAllowed(realmUri.Authority))
            throw ErrorFactory.Failed(ctx,
                $"{ctx.Registry} is reached over HTTPS but names a token server on plain HTTP ({realmUri.GetLeftPart(UriPartial.Path)}); " +
                $"the credentials for {ctx.Registry} are not sent there, where anyone on the network could read them",
                HttpStatusCode.Unauthorized, remedy: new Remedy(RemedyKind.AllowPlainHttp, realmUri.Authority));

        Interlocked.Increment(ref _requests);
        using var request = Request(challenge, scopes, credential, realmUri);
        // The password or identity token is for this token server: a redirect elsewhere is refused below, not followed.
        if (sendsSecret) request.Options.Set(RedirectHandler.StaysOnOrigin, true);
        using var deadline = new CancellationTokenSource(ctx.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            throw ErrorFactory.FromNetwork(new TimeoutException($"the token server did not answer within {RequestDeadline.Seconds(ctx.RequestTimeout)}", e), tokenCtx, realmUri.Scheme == "http");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw ErrorFactory.FromNetwork(e, tokenCtx, realmUri.Scheme == "http");
        }
        using (response)
        {
            if (sendsSecret && RedirectHandler.Target(response, request.RequestUri!) is { } elsewhere && !RedirectHandler.SameOrigin(realmUri, elsewhere))
                throw ErrorFactory.Failed(ctx,
                    $"the token server {realmUri.Authority} redirected the token request to {elsewhere.Authority}; " +
                    $"the credentials for {ctx.Registry} are only sent to the token server {ctx.Registry} names, never to another host",
                    response.StatusCode);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var errors = await ErrorFactory.ReadErrorsAsync(response, ctx, CancellationToken.None).ConfigureAwait(false);
                throw credential is null ? AuthFailures.Missing(ctx, credentials, errors) : AuthFailures.Rejected(ctx, credentials, credential, errors);
            }
            if (!response.IsSuccessStatusCode)
                throw await ErrorFactory.FromResponseAsync(response, tokenCtx, credentials, CancellationToken.None).ConfigureAwait(false);
            byte[] body;
            try
            {
                body = await BoundedBody.ReadAsync(response.Content, BoundedBody.MaxTokenBytes, ctx.IdleTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                throw ErrorFactory.Failed(tokenCtx, $"the token server sent more than {BoundedBody.MaxTokenBytes} bytes; a token answer is a few KiB", response.StatusCode);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
            {
                throw ErrorFactory.FromNetwork(e, tokenCtx, realmUri.Scheme == "http");
            }
            return Parse(body, tokenCtx, response.StatusCode);
        }
    }

    private static HttpRequestMessage Request(AuthChallenge challenge, IReadOnlyList<string> scopes, RegistryCredential? credential, Uri realmUri)
    {
        if (credential?.IdentityToken is { } identityToken)
        {
            // OAuth2 refresh-token grant: the identity token from `docker login` is exchanged with a POST.
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", identityToken),
                new("client_id", "metagenerator"),
            };
            if (challenge.Service is { } svc) form.Add(new("service", svc));
            if (scopes.Count > 0) form.Add(new("scope", string.Join(' ', scopes)));
            return new HttpRequestMessage(HttpMethod.Post, realmUri) { Content = new FormUrlEncodedContent(form) };
        }
        var query = new StringBuilder();
        if (challenge.Service is { } service) query.Append("service=").Append(Uri.EscapeDataString(service));
        foreach (var s in scopes) query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(s));
        if (credential is { HasPassword: true }) query.Append(query.Length > 0 ? "&" : "").Append("account=").Append(Uri.EscapeDataString(credential.Username!));
        var builder = new UriBuilder(realmUri);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? query.ToString() : builder.Query.TrimStart('?') + "&" + query;
        var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (credential is { HasPassword: true })
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
        return request;
    }

    private BearerToken Parse(byte[] body, RegistryRequestContext tokenCtx, HttpStatusCode status)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
            var token = (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)
                ?? (root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null);
            if (string.IsNullOrEmpty(token)) throw new JsonException("no token");
            var lifetime = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var secs) && secs > 0
                ? TimeSpan.FromSeconds(secs) : DefaultTokenLifetime;
            return new BearerToken(token, time.GetUtcNow() + lifetime);
        }
        catch (JsonException)
        {
            throw ErrorFactory.Failed(tokenCtx, "the token server's answer has no token", status);
        }
    }
}
