using Metagenerator.Oci;
using Metagenerator.Registry.Http;

namespace Metagenerator.Registry;

/// <summary>A client of the OCI Distribution API (v2) for any number of registries, on one HTTP connection pool.</summary>
/// <remarks>
/// Work on a repository goes through <see cref="Repository"/> (<see cref="IBlobStore"/>, <see cref="IManifestStore"/>).
/// How requests are sent (TLS policy,
/// credentials by origin, deadlines, retries) lives in <see cref="RegistryHttp"/>; uploads in <see cref="BlobUploader"/>.
/// https://github.com/opencontainers/distribution-spec/blob/main/spec.md
/// </remarks>
public sealed class RegistryClient : IDisposable
{
    /// <summary>Largest manifest or config blob read into memory.</summary>
    public const int MaxManifestBytes = BoundedBody.MaxManifestBytes;

    private readonly RegistryHttp _http;
    private readonly BlobUploader _uploader;

    /// <summary>Creates a client; CA files of <see cref="RegistryOptions.RegistryCertificates"/> are read now.</summary>
    /// <param name="options">How to reach registries.</param>
    /// <param name="events">Gets one <see cref="IEvents.Request"/> line per request, and <see cref="IEvents.Waiting"/> notices while an answer is late.</param>
    public RegistryClient(RegistryOptions options, IEvents? events = null) : this(options, TimeProvider.System, events)
    {
    }

    /// <summary>Creates a client with a clock for token expiry (tests move it forward).</summary>
    internal RegistryClient(RegistryOptions options, TimeProvider time, IEvents? events = null)
    {
        _http = new RegistryHttp(options, time, events ?? IEvents.None);
        _uploader = new BlobUploader(_http);
    }

    /// <summary>Chunk size of a chunked upload (used when a registry refuses a monolithic PUT).</summary>
    internal long ChunkSize
    {
        get => _uploader.ChunkSize;
        init => _uploader.ChunkSize = value;
    }

    /// <summary>The options this client was made with.</summary>
    public RegistryOptions Options => _http.Options;

    /// <summary>How many bearer tokens were requested so far (the cache keeps this low).</summary>
    public int TokenRequestCount => _http.TokenRequests;

    /// <summary>The blobs and manifests of <paramref name="repository"/> on <paramref name="registry"/>.</summary>
    public RegistryRepository Repository(string registry, string repository) => new(_http, _uploader, registry, repository);

    /// <summary>Checks that <paramref name="registry"/> speaks the v2 API (<c>GET /v2/</c>); auth challenges are learnt here.</summary>
    public async Task PingAsync(string registry, CancellationToken ct = default)
    {
        var ctx = _http.Context("checking", "the API of", registry, null, []);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_http.Tls.BaseUri(registry), "/v2/"));
        using var response = await _http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await _http.FailAsync(response, ctx, ct).ConfigureAwait(false);
    }

    /// <summary>The context of a request that is not about one blob or manifest (a tag list, the catalog).</summary>
    internal RegistryRequestContext ApiContext(string operation, string preposition, string registry, string? repository, IReadOnlyList<string> scopes) =>
        _http.Context(operation, preposition, registry, repository, scopes);

    /// <summary>GETs a small JSON document of the API (a tag list, the catalog) at <paramref name="pathAndQuery"/>: its bytes and its Link header, for pagination.</summary>
    internal async Task<(byte[] Body, string? Link)> GetApiDocumentAsync(RegistryRequestContext ctx, string pathAndQuery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_http.Tls.BaseUri(ctx.Registry), pathAndQuery));
        using var response = await _http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await _http.FailAsync(response, ctx, ct).ConfigureAwait(false);
        var body = await _http.ReadBodyAsync(response, ctx, ct).ConfigureAwait(false);
        return (body, response.Headers.TryGetValues("Link", out var links) ? string.Join(", ", links) : null);
    }

    /// <summary><c>sha256:ab12cd34ef56…</c>, for messages.</summary>
    internal static string Short(Digest digest) => $"{digest.Algorithm}:{digest.Short}…";

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
