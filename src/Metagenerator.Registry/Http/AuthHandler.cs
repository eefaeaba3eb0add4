using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Metagenerator.Registry.Http;

/// <summary>Answers registry auth challenges: Basic, or Bearer tokens fetched per repository scope and cached until they expire.</summary>
/// <remarks>
/// Credentials are attached by the origin of each request: only a request to the registry's own origin
/// (<see cref="RegistryRequestContext.Origin"/>) gets them, and only the token server named by that origin's challenge
/// receives the password, never over plain HTTP from an https registry unless the user made that host insecure.
/// An upload session or a redirect on another origin that asks for authentication is an error naming both hosts.
/// The first request to a registry learns its challenge from the 401; after that, credentials go out preemptively.
/// A 401 with a cached token drops the token and sends the request again with a fresh one; a streamed upload body cannot
/// be sent again, so its 401 goes back to the <see cref="BlobUploader"/>, which restarts the upload.
/// https://distribution.github.io/distribution/spec/auth/token/ and .../spec/auth/oauth/
/// </remarks>
internal sealed class AuthHandler : DelegatingHandler
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    private readonly ICredentialProvider _credentials;
    private readonly Func<string, bool> _isPlainHttpAllowed;
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedToken>>> _inflight = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistryCredential?>>> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    /// <param name="credentials">Where credentials come from, by registry.</param>
    /// <param name="isPlainHttpAllowed">True for a host (host:port) the user allowed to be reached over plain HTTP.</param>
    /// <param name="inner">The handler that sends.</param>
    /// <param name="time">The clock for token expiry.</param>
    public AuthHandler(ICredentialProvider credentials, Func<string, bool> isPlainHttpAllowed, HttpMessageHandler inner, TimeProvider? time = null) : base(inner)
    {
        _credentials = credentials;
        _isPlainHttpAllowed = isPlainHttpAllowed;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many token requests were made (for tests of the cache).</summary>
    public int TokenRequests => _tokenRequests;
    private int _tokenRequests;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!request.Options.TryGetValue(RegistryRequestContext.Key, out var ctx))
            return await base.SendAsync(request, ct).ConfigureAwait(false);

        if (ctx.IsOwnOrigin(request.RequestUri!) && _challenges.TryGetValue(ctx.Registry, out var known))
            await AuthorizeAsync(request, known, ctx, forceNewToken: false, ct).ConfigureAwait(false);

        var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

        // A redirect followed below this handler changes the request's URI: it names who answered.
        var answeredBy = request.RequestUri!;
        if (!ctx.IsOwnOrigin(answeredBy))
        {
            response.Dispose();
            throw ForeignOrigin(ctx, answeredBy);
        }

        var challenge = AuthChallenge.From(response);
        if (challenge is null || !(challenge.IsBasic || challenge.IsBearer)) return response;
        // The challenge's scope belongs to this request only; later requests bring their own scopes.
        _challenges[ctx.Registry] = challenge.WithoutScope();

        var hadAuth = request.Headers.Authorization is not null;
        var credential = await GetCredentialAsync(ctx.Registry, ct).ConfigureAwait(false);
        if (hadAuth && challenge.IsBasic)
        {
            // The password we just sent was refused: retrying cannot help. (A bearer token gets one renewal below.)
            var errors = await ErrorFactory.ReadErrorsAsync(response, ctx, ct).ConfigureAwait(false);
            response.Dispose();
            throw Rejected(ctx, credential, errors);
        }
        if (challenge.IsBasic && credential is not { HasPassword: true })
        {
            var errors = await ErrorFactory.ReadErrorsAsync(response, ctx, ct).ConfigureAwait(false);
            response.Dispose();
            throw Missing(ctx, errors);
        }
        InvalidateTokens(ctx);
        if (!RegistryRequestContext.IsReplayable(request.Content)) return response;

        response.Dispose();
        await AuthorizeAsync(request, challenge, ctx, forceNewToken: true, ct).ConfigureAwait(false);
        var retried = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (retried.StatusCode != HttpStatusCode.Unauthorized) return retried;
        if (!ctx.IsOwnOrigin(request.RequestUri!))
        {
            retried.Dispose();
            throw ForeignOrigin(ctx, request.RequestUri!);
        }

        var retryErrors = await ErrorFactory.ReadErrorsAsync(retried, ctx, ct).ConfigureAwait(false);
        retried.Dispose();
        throw credential is null ? Missing(ctx, retryErrors) : Rejected(ctx, credential, retryErrors);
    }

    /// <summary>Sets the Authorization header for a request to the registry's own origin.</summary>
    private async Task AuthorizeAsync(HttpRequestMessage request, AuthChallenge challenge, RegistryRequestContext ctx, bool forceNewToken, CancellationToken ct)
    {
        var credential = await GetCredentialAsync(ctx.Registry, ct).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            if (credential is { HasPassword: true })
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
            return;
        }
        if (credential?.RegistryToken is { } registryToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", registryToken);
            return;
        }
        var scopes = ctx.Scopes.ToList();
        if (challenge.Scope is { Length: > 0 } challengeScope)
            foreach (var s in challengeScope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (!scopes.Contains(s)) scopes.Add(s);
        scopes.Sort(StringComparer.Ordinal);
        var key = ctx.Registry + "|" + string.Join(' ', scopes);

        if (!forceNewToken && FindCachedToken(ctx.Registry, scopes) is { } cached)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cached.Token);
            return;
        }
        // Parallel blob pushes ask for the same scopes at once: one token request serves them all. It runs under its own
        // deadline, not the first caller's cancellation token, so one caller giving up does not fail the others.
        var fetch = _inflight.GetOrAdd(key, _ => new Lazy<Task<CachedToken>>(() => FetchTokenAsync(challenge, scopes, credential, ctx)));
        CachedToken token;
        try
        {
            token = await fetch.Value.WaitAsync(ct).ConfigureAwait(false);
            _tokens[key] = token with { Scopes = ScopeSet.Parse(scopes) };
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<CachedToken>>>(key, fetch));
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
    }

    /// <summary>A live cached token of this registry whose scopes cover <paramref name="scopes"/> (a push token serves pulls too).</summary>
    private CachedToken? FindCachedToken(string registry, IReadOnlyList<string> scopes)
    {
        var wanted = ScopeSet.Parse(scopes);
        var now = _time.GetUtcNow() + ExpiryMargin;
        foreach (var (key, token) in _tokens)
            if (key.StartsWith(registry + "|", StringComparison.OrdinalIgnoreCase) && token.ExpiresAt > now && token.Scopes.Covers(wanted))
                return token;
        return null;
    }

    private void InvalidateTokens(RegistryRequestContext ctx)
    {
        foreach (var key in _tokens.Keys)
            if (key.StartsWith(ctx.Registry + "|", StringComparison.OrdinalIgnoreCase)) _tokens.TryRemove(key, out _);
    }

    // Shared by every request to the registry; a credential helper is run once, whoever asks first, and not cancelled by them.
    private Task<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken ct) =>
        _resolved.GetOrAdd(registry, r => new Lazy<Task<RegistryCredential?>>(() => _credentials.ResolveAsync(r, CancellationToken.None))).Value.WaitAsync(ct);

    private async Task<CachedToken> FetchTokenAsync(AuthChallenge challenge, IReadOnlyList<string> scopes, RegistryCredential? credential, RegistryRequestContext ctx)
    {
        if (challenge.Realm is not { Length: > 0 } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
            throw new RegistryException($"{ctx.Describe()}: {ctx.Registry} asked for a bearer token but named no valid token server (realm)", ctx.Operation, ctx.Registry, ctx.Repository, HttpStatusCode.Unauthorized);

        var tokenCtx = ctx with { Operation = $"getting a token from {realmUri.GetLeftPart(UriPartial.Path)} for {ctx.Operation}" };
        var sendsSecret = credential is { HasPassword: true } || credential?.IdentityToken is not null;
        if (sendsSecret && realmUri.Scheme == Uri.UriSchemeHttp && ctx.Origin.Scheme == Uri.UriSchemeHttps && !_isPlainHttpAllowed(realmUri.Authority))
            throw new RegistryException(
                $"{ctx.Describe()}: {ctx.Registry} is reached over HTTPS but names a token server on plain HTTP ({realmUri.GetLeftPart(UriPartial.Path)}); " +
                $"the credentials for {ctx.Registry} are not sent there, where anyone on the network could read them",
                tokenCtx.Operation, ctx.Registry, ctx.Repository, HttpStatusCode.Unauthorized, remedy: new Remedy(RemedyKind.AllowPlainHttp, realmUri.Authority));

        Interlocked.Increment(ref _tokenRequests);
        using var tokenRequest = TokenRequest(challenge, scopes, credential, realmUri);
        using var deadline = new CancellationTokenSource(ctx.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(tokenRequest, deadline.Token).ConfigureAwait(false);
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
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var errors = await ErrorFactory.ReadErrorsAsync(response, ctx, CancellationToken.None).ConfigureAwait(false);
                throw credential is null ? Missing(ctx, errors) : Rejected(ctx, credential, errors);
            }
            if (!response.IsSuccessStatusCode)
                throw await ErrorFactory.FromResponseAsync(response, tokenCtx, _credentials, CancellationToken.None).ConfigureAwait(false);
            byte[] body;
            try
            {
                body = await BoundedBody.ReadAsync(response.Content, BoundedBody.MaxTokenBytes, ctx.IdleTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                throw new RegistryException($"{tokenCtx.Describe()}: the token server sent more than {BoundedBody.MaxTokenBytes} bytes; a token answer is a few KiB",
                    tokenCtx.Operation, ctx.Registry, ctx.Repository, response.StatusCode);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
            {
                throw ErrorFactory.FromNetwork(e, tokenCtx, realmUri.Scheme == "http");
            }
            return ParseToken(body, tokenCtx, response.StatusCode);
        }
    }

    private static HttpRequestMessage TokenRequest(AuthChallenge challenge, IReadOnlyList<string> scopes, RegistryCredential? credential, Uri realmUri)
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

    private CachedToken ParseToken(byte[] body, RegistryRequestContext tokenCtx, HttpStatusCode status)
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
            return new CachedToken(token, _time.GetUtcNow() + lifetime);
        }
        catch (JsonException)
        {
            throw new RegistryException($"{tokenCtx.Describe()}: the token server's answer has no token", tokenCtx.Operation, tokenCtx.Registry, tokenCtx.Repository, status);
        }
    }

    private static RegistryAuthException ForeignOrigin(RegistryRequestContext ctx, Uri answeredBy) =>
        new($"{ctx.Describe()}: {ctx.Registry} sent the request on to {answeredBy.Authority}, which asks for authentication; " +
            $"the credentials for {ctx.Registry} are only sent to {ctx.Registry} and its token server, never to another host",
            ctx.Operation, ctx.Registry, ctx.Repository, credentialSource: null, HttpStatusCode.Unauthorized);

    private RegistryAuthException Rejected(RegistryRequestContext ctx, RegistryCredential? credential, IReadOnlyList<RegistryError> errors)
    {
        var said = errors.Count > 0 ? $" ({string.Join("; ", errors)})" : "";
        var source = credential?.Source ?? _credentials.Description;
        return new RegistryAuthException(
            $"{ctx.Describe()}: {ctx.Registry} rejected the credentials{said}. {ErrorFactory.CredentialHint(ctx.Registry, _credentials, source)}",
            ctx.Operation, ctx.Registry, ctx.Repository, source, HttpStatusCode.Unauthorized, errors);
    }

    private RegistryAuthException Missing(RegistryRequestContext ctx, IReadOnlyList<RegistryError> errors)
    {
        var said = errors.Count > 0 ? $" ({string.Join("; ", errors)})" : "";
        return new RegistryAuthException(
            _credentials is AnonymousCredentials
                ? $"{ctx.Describe()}: {ctx.Registry} requires authentication{said}, but no credentials are configured"
                : $"{ctx.Describe()}: {ctx.Registry} requires authentication{said}, but there are no credentials for {ctx.Registry} in {_credentials.Description}",
            ctx.Operation, ctx.Registry, ctx.Repository, _credentials.Description, HttpStatusCode.Unauthorized, errors,
            remedy: new Remedy(RemedyKind.ProvideCredentials, ctx.Registry));
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt)
    {
        public ScopeSet Scopes { get; init; } = ScopeSet.Empty;

        public override string ToString() => $"token (redacted, expires {ExpiresAt:O})";
    }
}
