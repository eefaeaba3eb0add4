using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Metagenerator.Oci;
using Metagenerator.Registry.Http;

namespace Metagenerator.Registry;

/// <summary>A client of the OCI Distribution API (v2) for any number of registries, on one <see cref="HttpClient"/>.</summary>
/// <remarks>
/// Handlers, outermost first: retry (<see cref="RegistryOptions.PushRetry"/>), auth (Basic / Bearer token), sockets with
/// TLS verification per <see cref="RegistryOptions"/>.
/// https://github.com/opencontainers/distribution-spec/blob/main/spec.md
/// </remarks>
public sealed class RegistryClient : IDisposable
{
    /// <summary>Largest manifest or config blob read into memory.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>Chunk size of a chunked upload (used when a registry refuses a monolithic PUT).</summary>
    internal long ChunkSize { get; init; } = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly AuthHandler _auth;
    private readonly Dictionary<string, X509Certificate2Collection> _extraRoots;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _tlsFailures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a client; CA files of <see cref="RegistryOptions.RegistryCertificates"/> are read now.</summary>
    public RegistryClient(RegistryOptions options) : this(options, TimeProvider.System)
    {
    }

    /// <summary>Creates a client with a clock for token expiry (tests move it forward).</summary>
    internal RegistryClient(RegistryOptions options, TimeProvider time)
    {
        Options = options;
        _extraRoots = LoadCertificates(options.RegistryCertificates);
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ValidateCertificate },
        };
        _auth = new AuthHandler(options.Credentials, sockets, time);
        _http = new HttpClient(new RetryHandler(options, _auth)) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    /// <summary>The options this client was made with.</summary>
    public RegistryOptions Options { get; }

    /// <summary>How many bearer tokens were requested so far (the cache keeps this low).</summary>
    public int TokenRequestCount => _auth.TokenRequests;

    /// <summary>Checks that <paramref name="registry"/> speaks the v2 API (<c>GET /v2/</c>); auth challenges are learnt here.</summary>
    public async Task PingAsync(string registry, CancellationToken ct = default)
    {
        var ctx = new RegistryRequestContext("checking", "the API of", registry, null, []);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(registry), "/v2/"));
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
    }

    /// <summary>HEADs a blob: its size (-1 when the registry did not say) when present, null when the repository does not have it.</summary>
    public Task<BlobInfo?> HeadBlobAsync(string registry, string repository, Digest digest, CancellationToken ct = default) =>
        HeadBlobAsync(registry, repository, digest, forPush: false, ct);

    /// <summary>HEADs a blob; <paramref name="forPush"/> asks for a push token right away, so one token serves the whole push.</summary>
    public async Task<BlobInfo?> HeadBlobAsync(string registry, string repository, Digest digest, bool forPush, CancellationToken ct = default)
    {
        var ctx = new RegistryRequestContext($"checking blob {Short(digest)}", "in", registry, repository,
            forPush ? RegistryRequestContext.Push(repository) : RegistryRequestContext.Pull(repository));
        using var request = new HttpRequestMessage(HttpMethod.Head, RepoUri(registry, repository, $"blobs/{digest}"));
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode)
            throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
        var size = response.Content.Headers.ContentLength ?? -1;
        Digest? reported = response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var d) ? d : null;
        return new BlobInfo(size, reported);
    }

    /// <summary>Opens a blob for streaming; the caller disposes the stream. Nothing is buffered.</summary>
    public async Task<Stream> OpenBlobAsync(string registry, string repository, Digest digest, CancellationToken ct = default)
    {
        var ctx = new RegistryRequestContext($"reading blob {Short(digest)}", "from", registry, repository, RegistryRequestContext.Pull(repository));
        var request = new HttpRequestMessage(HttpMethod.Get, RepoUri(registry, repository, $"blobs/{digest}"));
        var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (request) using (response)
                throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
        }
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return new ProgressStream(stream, null, response.Content.Headers.ContentLength);
    }

    /// <summary>Reads a small blob (a config) into memory and checks its digest and size.</summary>
    public async Task<byte[]> ReadBlobBytesAsync(string registry, string repository, Descriptor blob, CancellationToken ct = default)
    {
        if (blob.Size > MaxManifestBytes)
            throw new RegistryException($"reading blob {Short(blob.Digest)} from {registry}/{repository}: it is {blob.Size} bytes, more than the {MaxManifestBytes} allowed for a config",
                $"reading blob {Short(blob.Digest)}", registry, repository);
        var ctx = new RegistryRequestContext($"reading blob {Short(blob.Digest)}", "from", registry, repository, RegistryRequestContext.Pull(repository));
        await using var stream = await OpenBlobAsync(registry, repository, blob.Digest, ct).ConfigureAwait(false);
        var bytes = await ReadBodyAsync(stream, ctx, ct).ConfigureAwait(false);
        var actual = Digest.Sha256(bytes);
        if (actual != blob.Digest)
            throw new RegistryException($"reading blob {Short(blob.Digest)} from {registry}/{repository}: the registry sent content with digest {actual}",
                $"reading blob {Short(blob.Digest)}", registry, repository);
        return bytes;
    }

    /// <summary>Fetches a manifest or index by tag or digest; a digest reference is verified against the bytes.</summary>
    public async Task<ManifestResponse> GetManifestAsync(string registry, string repository, string reference, CancellationToken ct = default)
    {
        var ctx = new RegistryRequestContext($"reading manifest {reference}", "from", registry, repository, RegistryRequestContext.Pull(repository));
        using var request = new HttpRequestMessage(HttpMethod.Get, RepoUri(registry, repository, $"manifests/{reference}"));
        foreach (var type in MediaTypes.ManifestAccept.Split(", "))
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var bytes = await ReadBodyAsync(stream, ctx, ct).ConfigureAwait(false);
        var digest = Digest.Sha256(bytes);
        if (Digest.TryParse(reference, out var wanted) && wanted != digest)
            throw new RegistryException($"{ctx.Describe()}: the registry sent a manifest with digest {digest}", ctx.Operation, registry, repository);
        var mediaType = OciJson.PeekMediaType(bytes) ?? response.Content.Headers.ContentType?.MediaType ?? MediaTypes.OciManifest;
        return new ManifestResponse(bytes, mediaType, digest);
    }

    /// <summary>GETs a small JSON document of the API (a tag list, the catalog) at <paramref name="pathAndQuery"/>: its bytes and its Link header, for pagination.</summary>
    internal async Task<(byte[] Body, string? Link)> GetApiDocumentAsync(RegistryRequestContext ctx, string pathAndQuery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(ctx.Registry), pathAndQuery));
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var body = await ReadBodyAsync(stream, ctx, ct).ConfigureAwait(false);
        return (body, response.Headers.TryGetValues("Link", out var links) ? string.Join(", ", links) : null);
    }

    /// <summary>PUTs a manifest under a tag or digest and checks the digest the registry reports.</summary>
    public async Task<Digest> PutManifestAsync(string registry, string repository, string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct = default)
    {
        var digest = Digest.Sha256(manifest.Span);
        var ctx = new RegistryRequestContext($"pushing manifest {Short(digest)} as {reference}", "to", registry, repository, RegistryRequestContext.Push(repository));
        using var request = new HttpRequestMessage(HttpMethod.Put, RepoUri(registry, repository, $"manifests/{reference}"))
        {
            Content = new ByteArrayContent(manifest.ToArray()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var reported) && reported != digest)
            throw new RegistryException($"{ctx.Describe()}: the registry stored it as {reported}", ctx.Operation, registry, repository, response.StatusCode);
        return digest;
    }

    /// <summary>Asks the registry to mount a blob from another repository; when it declines, returns the upload session it opened instead.</summary>
    /// <remarks>https://github.com/opencontainers/distribution-spec/blob/main/spec.md#mounting-a-blob-from-another-repository</remarks>
    public async Task<MountResult> MountBlobAsync(string registry, string repository, Digest digest, string fromRepository, CancellationToken ct = default)
    {
        var ctx = new RegistryRequestContext($"mounting blob {Short(digest)} from {fromRepository}", "into", registry, repository,
            [.. RegistryRequestContext.Push(repository), .. RegistryRequestContext.Pull(fromRepository)]);
        using var request = new HttpRequestMessage(HttpMethod.Post,
            RepoUri(registry, repository, $"blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(fromRepository)}"));
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created) return new MountResult(true, null);
        if (response.StatusCode == HttpStatusCode.Accepted) return new MountResult(false, Location(response, request.RequestUri!));
        throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
    }

    /// <summary>Uploads a blob from a stream that <paramref name="open"/> provides, monolithically, or in chunks if the registry refuses that.</summary>
    /// <remarks>
    /// A transient failure restarts the upload from scratch (new session, stream reopened), up to
    /// <see cref="RegistryOptions.PushRetry"/> times; a rejected (expired) token restarts it once more.
    /// </remarks>
    /// <param name="registry">The registry host.</param>
    /// <param name="repository">The repository receiving the blob.</param>
    /// <param name="blob">The blob's descriptor (digest and size are checked by the registry).</param>
    /// <param name="open">Opens the blob's content from the start; called again for each retry.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="session">An upload session already opened (e.g. by a declined mount), used for the first attempt.</param>
    /// <param name="ct">Cancels the upload.</param>
    public async Task UploadBlobAsync(string registry, string repository, Descriptor blob, Func<CancellationToken, Task<Stream>> open,
        IProgress<long>? progress = null, Uri? session = null, CancellationToken ct = default)
    {
        var ctx = new RegistryRequestContext($"pushing blob {Short(blob.Digest)}", "to", registry, repository, RegistryRequestContext.Push(repository));
        var reauthorized = false;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await UploadOnceAsync(ctx, blob, open, progress, session, ct).ConfigureAwait(false);
                return;
            }
            catch (RegistryException e) when (e.StatusCode == HttpStatusCode.Unauthorized && !reauthorized)
            {
                reauthorized = true; // the token expired while the body streamed; the auth handler already dropped it
            }
            catch (Exception e) when (attempt < Options.PushRetry && IsTransient(e, ct))
            {
                await Task.Delay(RetryHandler.Backoff(Options, attempt, (e as RegistryException)?.RetryAfter), ct).ConfigureAwait(false);
            }
            session = null;
            // A retry may find the blob complete (the final response was lost rather than the upload).
            if (await HeadBlobAsync(registry, repository, blob.Digest, forPush: true, ct).ConfigureAwait(false) is { } existing && (existing.Size == blob.Size || existing.Size < 0)) return;
        }
    }

    private async Task UploadOnceAsync(RegistryRequestContext ctx, Descriptor blob, Func<CancellationToken, Task<Stream>> open, IProgress<long>? progress, Uri? session, CancellationToken ct)
    {
        session ??= await StartUploadAsync(ctx, ct).ConfigureAwait(false);
        await using (var source = await open(ct).ConfigureAwait(false))
        {
            var monolithic = await PutMonolithicAsync(ctx, session, blob, source, progress, ct).ConfigureAwait(false);
            if (monolithic) return;
        }
        // The registry refused a single PUT with a body: a fresh session, in chunks.
        session = await StartUploadAsync(ctx, ct).ConfigureAwait(false);
        await using var again = await open(ct).ConfigureAwait(false);
        await PutChunkedAsync(ctx, session, blob, again, progress, ct).ConfigureAwait(false);
    }

    private async Task<Uri> StartUploadAsync(RegistryRequestContext ctx, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, RepoUri(ctx.Registry, ctx.Repository!, "blobs/uploads/"));
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
        return Location(response, request.RequestUri!);
    }

    /// <summary>PUT with the whole body; false when the registry wants chunks (413, 416, 411, 501).</summary>
    private async Task<bool> PutMonolithicAsync(RegistryRequestContext ctx, Uri session, Descriptor blob, Stream source, IProgress<long>? progress, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(session, blob.Digest))
        {
            Content = new StreamContent(new ProgressStream(source, n => progress?.Report(n), blob.Size), 81920),
        };
        request.Content.Headers.ContentLength = blob.Size;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.RequestedRangeNotSatisfiable
            or HttpStatusCode.LengthRequired or HttpStatusCode.NotImplemented)
            return false;
        throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
    }

    private async Task PutChunkedAsync(RegistryRequestContext ctx, Uri session, Descriptor blob, Stream source, IProgress<long>? progress, CancellationToken ct)
    {
        long offset = 0;
        while (offset < blob.Size)
        {
            var length = Math.Min(ChunkSize, blob.Size - offset);
            var start = offset;
            using var request = new HttpRequestMessage(HttpMethod.Patch, session)
            {
                Content = new StreamContent(new ProgressStream(new SliceStream(source, length), n => progress?.Report(start + n), length), 81920),
            };
            request.Content.Headers.ContentLength = length;
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            using var response = await SendAsync(request, ctx, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw await ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct).ConfigureAwait(false);
            session = Location(response, session);
            offset += length;
        }
        using var close = new HttpRequestMessage(HttpMethod.Put, WithDigest(session, blob.Digest)) { Content = new ByteArrayContent([]) };
        close.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var closed = await SendAsync(close, ctx, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (closed.StatusCode != HttpStatusCode.Created)
            throw await ErrorFactory.FromResponseAsync(closed, ctx, Options.Credentials, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, RegistryRequestContext ctx, HttpCompletionOption completion, CancellationToken ct)
    {
        request.Options.Set(RegistryRequestContext.Key, ctx);
        var started = Options.Log is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        // Only the path is logged: upload URLs carry registry state in their query.
        var what = $"{request.Method} {request.RequestUri?.Authority}{request.RequestUri?.AbsolutePath}";
        try
        {
            var response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
            Options.Log?.Invoke($"{what} -> {(int)response.StatusCode} ({System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms)");
            return response;
        }
        catch (RegistryException e)
        {
            Options.Log?.Invoke($"{what} -> failed: {e.Message}");
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            _tlsFailures.TryGetValue(BaseUri(ctx.Registry).Host, out var tlsReason);
            var error = ErrorFactory.FromNetwork(e, ctx, Options.IsPlainHttp(ctx.Registry), tlsReason);
            Options.Log?.Invoke($"{what} -> failed: {error.Message}");
            throw error;
        }
    }

    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        RegistryException r => r.IsTransient,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => ErrorFactory.IsTransientNetwork(e),
    };

    private Uri BaseUri(string registry)
    {
        var host = registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;
        return new Uri($"{(Options.IsPlainHttp(registry) ? "http" : "https")}://{host}");
    }

    private Uri RepoUri(string registry, string repository, string rest) => new(BaseUri(registry), $"/v2/{repository}/{rest}");

    private static Uri Location(HttpResponseMessage response, Uri requestUri)
    {
        var location = response.Headers.Location
            ?? throw new RegistryException($"the registry at {requestUri.Authority} opened an upload without a Location header", "starting an upload", requestUri.Authority, null, response.StatusCode);
        return location.IsAbsoluteUri ? location : new Uri(requestUri, location);
    }

    private static Uri WithDigest(Uri session, Digest digest)
    {
        var builder = new UriBuilder(session);
        var param = "digest=" + Uri.EscapeDataString(digest.ToString());
        builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?" ? param : builder.Query.TrimStart('?') + "&" + param;
        return builder.Uri;
    }

    /// <summary>Reads a manifest or config body, turning a cut connection or an oversized body into a <see cref="RegistryException"/>.</summary>
    private async Task<byte[]> ReadBodyAsync(Stream stream, RegistryRequestContext ctx, CancellationToken ct)
    {
        try
        {
            return await ReadLimitedAsync(stream, MaxManifestBytes, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new RegistryException($"{ctx.Describe()}: {e.Message}", ctx.Operation, ctx.Registry, ctx.Repository, innerException: e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw ErrorFactory.FromNetwork(e, ctx, Options.IsPlainHttp(ctx.Registry));
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream stream, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit) throw new InvalidDataException($"the registry sent more than {limit} bytes for a manifest or config");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary><c>sha256:ab12cd34ef56…</c>, for messages.</summary>
    internal static string Short(Digest digest) => $"{digest.Algorithm}:{digest.Short}…";

    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? "";
        if (Options.SkipTlsVerify || Options.SkipTlsVerifyRegistries.Any(r => string.Equals(RegistryOptions.HostOnly(r), host, StringComparison.OrdinalIgnoreCase)))
            return true;
        if (errors == SslPolicyErrors.None)
        {
            _tlsFailures.TryRemove(host, out _);
            return true;
        }
        // Extra CAs only repair chain errors; a name mismatch stays fatal.
        if (errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is not null && _extraRoots.TryGetValue(host, out var roots))
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(roots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
                foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (custom.Build(leaf)) return true;
            _tlsFailures[host] = $"the certificate does not chain to the CA given with --registry-certificate: {DescribeChain(custom)}";
            return false;
        }
        _tlsFailures[host] = DescribeTlsErrors(errors, chain);
        return false;
    }

    private static string DescribeTlsErrors(SslPolicyErrors errors, X509Chain? chain)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) reasons.Add("the certificate is not valid for this host name");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) reasons.Add("the server sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)) reasons.Add($"the certificate is not trusted: {(chain is null ? "chain error" : DescribeChain(chain))}");
        return string.Join("; ", reasons);
    }

    private static string DescribeChain(X509Chain chain)
    {
        var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList();
        return statuses.Count == 0 ? "chain error" : string.Join(", ", statuses);
    }

    private static Dictionary<string, X509Certificate2Collection> LoadCertificates(IReadOnlyDictionary<string, string> certificates)
    {
        var result = new Dictionary<string, X509Certificate2Collection>(StringComparer.OrdinalIgnoreCase);
        foreach (var (registry, path) in certificates)
        {
            var host = RegistryOptions.HostOnly(registry);
            if (!File.Exists(path))
                throw new RegistryException($"--registry-certificate {registry}={path}: the file does not exist", "loading a registry certificate", registry, null);
            var collection = new X509Certificate2Collection();
            try { collection.ImportFromPemFile(path); }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new RegistryException($"--registry-certificate {registry}={path}: not a PEM certificate file ({e.Message})", "loading a registry certificate", registry, null, innerException: e);
            }
            if (collection.Count == 0)
                throw new RegistryException($"--registry-certificate {registry}={path}: the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)", "loading a registry certificate", registry, null);
            if (result.TryGetValue(host, out var existing)) existing.AddRange(collection);
            else result[host] = collection;
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
