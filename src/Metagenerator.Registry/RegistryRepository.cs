using System.Net;
using System.Net.Http.Headers;
using Metagenerator.Oci;
using Metagenerator.Registry.Http;

namespace Metagenerator.Registry;

/// <summary>One repository of one registry, through a <see cref="RegistryClient"/>: its blobs and its manifests.</summary>
public sealed class RegistryRepository : IBlobStore, IManifestStore
{
    private readonly RegistryHttp _http;
    private readonly BlobUploader _uploader;
    private readonly Uri _uri;

    internal RegistryRepository(RegistryHttp http, BlobUploader uploader, string registry, string repository)
    {
        _http = http;
        _uploader = uploader;
        Registry = registry;
        Repository = repository;
        _uri = new Uri(http.Tls.BaseUri(registry), $"/v2/{repository}/");
    }

    /// <inheritdoc cref="IBlobStore.Registry"/>
    public string Registry { get; }

    /// <inheritdoc cref="IBlobStore.Repository"/>
    public string Repository { get; }

    private RegistryRequestContext Context(string operation, string preposition, IReadOnlyList<string> scopes) =>
        _http.Context(operation, preposition, Registry, Repository, scopes);

    private Uri Uri(string rest) => new(_uri, rest);

    /// <inheritdoc/>
    public async Task<BlobInfo?> HeadAsync(Digest digest, bool forPush, CancellationToken ct = default)
    {
        var ctx = Context($"checking blob {RegistryClient.Short(digest)}", "in",
            forPush ? RegistryRequestContext.Push(Repository) : RegistryRequestContext.Pull(Repository));
        using var request = new HttpRequestMessage(HttpMethod.Head, Uri($"blobs/{digest}"));
        using var response = await _http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await _http.FailAsync(response, ctx, ct).ConfigureAwait(false);
        var size = response.Content.Headers.ContentLength ?? -1;
        Digest? reported = response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var d) ? d : null;
        return new BlobInfo(size, reported);
    }

    /// <inheritdoc/>
    public Task<Stream> OpenAsync(Descriptor blob, CancellationToken ct = default) => OpenAsync(blob.Digest, blob.Size, ct);

    /// <summary>Streams a blob of unknown size (-1) or known size; its digest is checked at the end.</summary>
    internal async Task<Stream> OpenAsync(Digest digest, long size, CancellationToken ct)
    {
        var ctx = Context($"reading blob {RegistryClient.Short(digest)}", "from", RegistryRequestContext.Pull(Repository));
        var request = new HttpRequestMessage(HttpMethod.Get, Uri($"blobs/{digest}"));
        var response = await _http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (request) using (response)
                throw await _http.FailAsync(response, ctx, ct).ConfigureAwait(false);
        }
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new VerifiedBlobStream(stream, response, ctx, digest, size, _http.NetworkError);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            response.Dispose();
            throw _http.NetworkError(e, ctx);
        }
        finally
        {
            request.Dispose();
        }
    }

    /// <inheritdoc/>
    public async Task<byte[]> ReadAsync(Descriptor blob, CancellationToken ct = default)
    {
        if (blob.Size > BoundedBody.MaxManifestBytes || blob.Size < 0)
            throw ErrorFactory.Failed(Context($"reading blob {RegistryClient.Short(blob.Digest)}", "from", RegistryRequestContext.Pull(Repository)),
                $"it is {blob.Size} bytes, not a config of at most {BoundedBody.MaxManifestBytes}");
        await using var stream = await OpenAsync(blob, ct).ConfigureAwait(false);
        var bytes = new byte[blob.Size];
        await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        // The end of the body: the stream checks that nothing follows and that the digest matches.
        var extra = new byte[1];
        await stream.ReadAsync(extra, ct).ConfigureAwait(false);
        return bytes;
    }

    /// <inheritdoc/>
    /// <remarks>https://github.com/opencontainers/distribution-spec/blob/main/spec.md#mounting-a-blob-from-another-repository</remarks>
    public async Task<MountResult> MountAsync(Digest digest, string fromRepository, CancellationToken ct = default)
    {
        var ctx = Context($"mounting blob {RegistryClient.Short(digest)} from {fromRepository}", "into",
            [.. RegistryRequestContext.Push(Repository), .. RegistryRequestContext.Pull(fromRepository)]);
        using var request = new HttpRequestMessage(HttpMethod.Post,
            Uri($"blobs/uploads/?mount={System.Uri.EscapeDataString(digest.ToString())}&from={System.Uri.EscapeDataString(fromRepository)}"));
        using var response = await _http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created) return new MountResult(true, null);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            var location = response.Headers.Location
                ?? throw ErrorFactory.Failed(ctx, "the registry opened an upload without a Location header", response.StatusCode);
            return new MountResult(false, location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location));
        }
        throw await _http.FailAsync(response, ctx, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task UploadAsync(Descriptor blob, Func<CancellationToken, Task<Stream>> open, IProgress<long>? progress = null, Uri? session = null, CancellationToken ct = default)
    {
        var ctx = Context($"pushing blob {RegistryClient.Short(blob.Digest)}", "to", RegistryRequestContext.Push(Repository));
        return _uploader.UploadAsync(ctx, _uri, blob, open, progress, session, token => HeadAsync(blob.Digest, forPush: true, token), ct);
    }

    /// <summary>
    /// Uploads a blob while it is being written: <paramref name="body"/> yields its bytes as they are produced and ends
    /// with the blob, and the upload is closed with the digest <paramref name="finished"/> gives once it is complete.
    /// Not retried; on failure, upload the finished blob. The caller disposes <paramref name="body"/>.
    /// </summary>
    /// <returns>The blob as stored.</returns>
    /// <exception cref="RegistryException">The registry refused the upload or could not be reached; or the blob was not finished (the body failed, or <paramref name="finished"/> faulted).</exception>
    public async Task<Descriptor> UploadGrowingAsync(Stream body, Task<Descriptor> finished, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(finished);
        var ctx = Context("pushing a layer while it is built", "to", RegistryRequestContext.Push(Repository));
        try
        {
            return await _uploader.UploadGrowingAsync(ctx, _uri, body, finished, progress, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RegistryException && !ct.IsCancellationRequested)
        {
            // The layer's own build failed (the body ended in an IOException, or the completion faulted).
            throw ErrorFactory.Failed(ctx, $"the layer was not finished ({e.Message})", innerException: e);
        }
    }

    /// <inheritdoc/>
    public async Task<ManifestResponse> GetAsync(string reference, CancellationToken ct = default)
    {
        var ctx = Context($"reading manifest {reference}", "from", RegistryRequestContext.Pull(Repository));
        using var request = new HttpRequestMessage(HttpMethod.Get, Uri($"manifests/{reference}"));
        foreach (var type in MediaTypes.ManifestAccept.Split(", "))
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await _http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await _http.FailAsync(response, ctx, ct).ConfigureAwait(false);
        var bytes = await _http.ReadBodyAsync(response, ctx, ct).ConfigureAwait(false);
        var digest = Digest.Sha256(bytes);
        if (Digest.TryParse(reference, out var wanted) && wanted != digest)
            throw ErrorFactory.Failed(ctx, $"the registry sent a manifest with digest {digest}");
        var mediaType = OciJson.PeekMediaType(bytes) ?? response.Content.Headers.ContentType?.MediaType ?? MediaTypes.OciManifest;
        return new ManifestResponse(bytes, mediaType, digest);
    }

    /// <inheritdoc/>
    public async Task<Digest> PutAsync(string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct = default)
    {
        var digest = Digest.Sha256(manifest.Span);
        var ctx = Context($"pushing manifest {RegistryClient.Short(digest)} as {reference}", "to", RegistryRequestContext.Push(Repository));
        using var request = new HttpRequestMessage(HttpMethod.Put, Uri($"manifests/{reference}")) { Content = new ByteArrayContent(manifest.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await _http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await _http.FailAsync(response, ctx, ct).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var reported) && reported != digest)
            throw ErrorFactory.Failed(ctx, $"the registry stored it as {reported}", response.StatusCode);
        return digest;
    }
}
