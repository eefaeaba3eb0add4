using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

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

    private readonly ICredentialProvider _credentials;
    private readonly TokenClient _tokenClient;
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, BearerToken> _tokens = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<BearerToken>>> _inflight = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistryCredential?>>> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    /// <param name="credentials">Where credentials come from, by registry.</param>
    /// <param name="isPlainHttpAllowed">True for a host (host:port) the user allowed to be reached over plain HTTP.</param>
    /// <param name="inner">The handler that sends.</param>
    /// <param name="time">The clock for token expiry.</param>
    public AuthHandler(ICredentialProvider credentials, Func<string, bool> isPlainHttpAllowed, HttpMessageHandler inner, TimeProvider? time = null) : base(inner)
    {
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
        _tokenClient = new TokenClient(credentials, isPlainHttpAllowed, inner, _time);
    }

    /// <summary>How many token requests were made (for tests of the cache).</summary>
    public int TokenRequests => _tokenClient.Requests;

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
            throw AuthFailures.ForeignOrigin(ctx, answeredBy);
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
            throw AuthFailures.Rejected(ctx, _credentials, credential, errors);
        }
        if (challenge.IsBasic && credential is not { HasPassword: true })
        {
            var errors = await ErrorFactory.ReadErrorsAsync(response, ctx, ct).ConfigureAwait(false);
            response.Dispose();
            throw AuthFailures.Missing(ctx, _credentials, errors);
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
            throw AuthFailures.ForeignOrigin(ctx, request.RequestUri!);
        }

        var retryErrors = await ErrorFactory.ReadErrorsAsync(retried, ctx, ct).ConfigureAwait(false);
        retried.Dispose();
        throw credential is null ? AuthFailures.Missing(ctx, _credentials, retryErrors) : AuthFailures.Rejected(ctx, _credentials, credential, retryErrors);
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

        if (!forceNewToken && FindBearerToken(ctx.Registry, scopes) is { } cached)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cached.Token);
            return;
        }
        // Parallel blob pushes ask for the same scopes at once: one token request serves them all. It runs under its own
        // deadline, not the first caller's cancellation token, so one caller giving up does not fail the others. The
        // cache is looked at again inside: a fetch that ended between the look above and this line has already stored
        // its token (it stores before it leaves _inflight), and fetching again would be a second, needless request.
        var fetch = _inflight.GetOrAdd(key, _ => new Lazy<Task<BearerToken>>(() =>
            !forceNewToken && FindBearerToken(ctx.Registry, scopes) is { } stored
                ? Task.FromResult(stored)
                : _tokenClient.FetchAsync(challenge, scopes, credential, ctx)));
        BearerToken token;
        try
        {
            token = await fetch.Value.WaitAsync(ct).ConfigureAwait(false);
            _tokens[key] = token with { Scopes = ScopeSet.Parse(scopes) };
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(key, fetch));
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
    }

    /// <summary>A live cached token of this registry whose scopes cover <paramref name="scopes"/> (a push token serves pulls too).</summary>
    private BearerToken? FindBearerToken(string registry, IReadOnlyList<string> scopes)
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
}
