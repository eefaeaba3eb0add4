using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Metagenerator.Registry.Http;

/// <summary>Answers registry auth challenges: Basic, or Bearer tokens fetched per repository scope and cached until they expire.</summary>
/// <remarks>
/// The first request to a host learns its challenge from the 401; after that, credentials go out preemptively.
/// A 401 with a cached token drops the token and retries once with a fresh one; a request whose body cannot be
/// sent twice (a streamed upload) gets the 401 back so the uploader restarts its session.
/// https://distribution.github.io/distribution/spec/auth/token/ and .../spec/auth/oauth/
/// </remarks>
internal sealed class AuthHandler : DelegatingHandler
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    private readonly ICredentialProvider _credentials;
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedToken>>> _inflight = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistryCredential?>>> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    public AuthHandler(ICredentialProvider credentials, HttpMessageHandler inner, TimeProvider? time = null) : base(inner)
    {
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many token requests were made (for tests of the cache).</summary>
    public int TokenRequests => _tokenRequests;
    private int _tokenRequests;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!request.Options.TryGetValue(RegistryRequestContext.Key, out var ctx))
            return await base.SendAsync(request, ct).ConfigureAwait(false);

        if (_challenges.TryGetValue(ctx.Registry, out var known))
            await AuthorizeAsync(request, known, ctx, forceNewToken: false, ct).ConfigureAwait(false);

        var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

        var challenge = AuthChallenge.From(response);
        if (challenge is null || !(challenge.IsBasic || challenge.IsBearer)) return response;
        // The challenge's scope belongs to this request only; later requests bring their own scopes.
        _challenges[ctx.Registry] = challenge.WithoutScope();

        var hadAuth = request.Headers.Authorization is not null;
        var credential = await GetCredentialAsync(ctx.Registry, ct).ConfigureAwait(false);
        if (hadAuth && challenge.IsBasic)
        {
            // The password we just sent was refused: retrying cannot help. (A bearer token gets one renewal below.)
            var errors = await ErrorFactory.ReadErrorsAsync(response, ct).ConfigureAwait(false);
            response.Dispose();
            throw Rejected(ctx, credential, errors);
        }
        if (challenge.IsBasic && credential is not { HasPassword: true })
        {
            var errors = await ErrorFactory.ReadErrorsAsync(response, ct).ConfigureAwait(false);
            response.Dispose();
            throw Missing(ctx, errors);
        }
        InvalidateTokens(ctx);
        if (!CanResend(request.Content)) return response;

        response.Dispose();
        await AuthorizeAsync(request, challenge, ctx, forceNewToken: true, ct).ConfigureAwait(false);
        var retried = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (retried.StatusCode != HttpStatusCode.Unauthorized) return retried;

        var retryErrors = await ErrorFactory.ReadErrorsAsync(retried, ct).ConfigureAwait(false);
        retried.Dispose();
        throw credential is null ? Missing(ctx, retryErrors) : Rejected(ctx, credential, retryErrors);
    }

    private static bool CanResend(HttpContent? content) => content is null or ByteArrayContent;

    /// <summary>Sets the Authorization header; returns true when a new token was fetched for it.</summary>
    private async Task<bool> AuthorizeAsync(HttpRequestMessage request, AuthChallenge challenge, RegistryRequestContext ctx, bool forceNewToken, CancellationToken ct)
    {
        var credential = await GetCredentialAsync(ctx.Registry, ct).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            if (credential is { HasPassword: true })
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
            return false;
        }
        if (credential?.RegistryToken is { } registryToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", registryToken);
            return false;
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
            return false;
        }
        // Parallel blob pushes ask for the same scopes at once: one token request serves them all.
        var fetch = _inflight.GetOrAdd(key, _ => new Lazy<Task<CachedToken>>(() => FetchTokenAsync(challenge, scopes, credential, ctx, ct)));
        CachedToken token;
        try
        {
            token = await fetch.Value.ConfigureAwait(false);
            _tokens[key] = token with { Scopes = ScopeSet.Parse(scopes) };
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<CachedToken>>>(key, fetch));
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return true;
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

    private Task<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken ct) =>
        _resolved.GetOrAdd(registry, r => new Lazy<Task<RegistryCredential?>>(() => _credentials.ResolveAsync(r, ct))).Value;

    private async Task<CachedToken> FetchTokenAsync(AuthChallenge challenge, IReadOnlyList<string> scopes, RegistryCredential? credential, RegistryRequestContext ctx, CancellationToken ct)
    {
        if (challenge.Realm is not { Length: > 0 } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
            throw new RegistryException($"{ctx.Describe()}: {ctx.Registry} asked for a bearer token but named no valid token server (realm)", ctx.Operation, ctx.Registry, ctx.Repository, HttpStatusCode.Unauthorized);

        Interlocked.Increment(ref _tokenRequests);
        HttpRequestMessage tokenRequest;
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
            tokenRequest = new HttpRequestMessage(HttpMethod.Post, realmUri) { Content = new FormUrlEncodedContent(form) };
        }
        else
        {
            var query = new StringBuilder();
            if (challenge.Service is { } svc) query.Append("service=").Append(Uri.EscapeDataString(svc));
            foreach (var s in scopes) query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(s));
            if (credential is { HasPassword: true }) query.Append(query.Length > 0 ? "&" : "").Append("account=").Append(Uri.EscapeDataString(credential.Username!));
            var builder = new UriBuilder(realmUri);
            builder.Query = string.IsNullOrEmpty(builder.Query) ? query.ToString() : builder.Query.TrimStart('?') + "&" + query;
            tokenRequest = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
            if (credential is { HasPassword: true })
                tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
        }

        var tokenCtx = ctx with { Operation = $"getting a token from {realmUri.GetLeftPart(UriPartial.Path)} for {ctx.Operation}" };
        HttpResponseMessage response;
        using (tokenRequest)
        {
            try
            {
                response = await base.SendAsync(tokenRequest, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw ErrorFactory.FromNetwork(e, tokenCtx, realmUri.Scheme == "http");
            }
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var errors = await ErrorFactory.ReadErrorsAsync(response, ct).ConfigureAwait(false);
                throw credential is null ? Missing(ctx, errors) : Rejected(ctx, credential, errors);
            }
            if (!response.IsSuccessStatusCode)
                throw await ErrorFactory.FromResponseAsync(response, tokenCtx, _credentials, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                var token = (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)
                    ?? (root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null);
                if (string.IsNullOrEmpty(token)) throw new JsonException("no token");
                var lifetime = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var secs) && secs > 0
                    ? TimeSpan.FromSeconds(secs) : DefaultTokenLifetime;
                return new CachedToken(token, _time.GetUtcNow() + lifetime);
            }
            catch (JsonException)
            {
                throw new RegistryException($"{tokenCtx.Describe()}: the token server's answer has no token", tokenCtx.Operation, ctx.Registry, ctx.Repository, response.StatusCode);
            }
        }
    }

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
                ? $"{ctx.Describe()}: {ctx.Registry} requires authentication{said}, but no credentials are configured; pass --config with a Docker config.json that has an \"auths\" entry for {ctx.Registry}"
                : $"{ctx.Describe()}: {ctx.Registry} requires authentication{said}, but there are no credentials for {ctx.Registry} in {_credentials.Description}. " +
                  $"Add an \"auths\" entry for {ctx.Registry} (docker login {ctx.Registry}) or pass --config",
            ctx.Operation, ctx.Registry, ctx.Repository, _credentials.Description, HttpStatusCode.Unauthorized, errors);
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt)
    {
        public ScopeSet Scopes { get; init; } = ScopeSet.Empty;

        public override string ToString() => $"token (redacted, expires {ExpiresAt:O})";
    }
}
