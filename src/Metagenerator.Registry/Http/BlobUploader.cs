using System.Net;
using System.Net.Http.Headers;
using Metagenerator.Oci;

namespace Metagenerator.Registry.Http;

/// <summary>
/// Uploads one blob, monolithically or in chunks when the registry refuses that, and owns every retry of an upload:
/// nothing below it retries the requests of an upload session (<see cref="RegistryRequestContext.RetriedByUploader"/>).
/// </summary>
/// <remarks>
/// A transient failure (5xx, 408, 429, a cut connection, a timeout) restarts the upload from scratch, with a new session
/// and the content opened again, up to <see cref="RegistryOptions.PushRetry"/> times; a 401 on a streamed body (the token
/// expired while it streamed; the auth handler has already dropped it) restarts it once more. Before a restart the blob
/// is HEADed: the upload may have completed with only its answer lost.
/// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs
/// </remarks>
internal sealed class BlobUploader(RegistryHttp http)
{
    private const int BufferSize = 81920;

    // A redirect chain longer than this on one request is a loop.
    private const int MaxBodyRedirects = 5;

    /// <summary>Chunk size of a chunked upload.</summary>
    public long ChunkSize { get; set; } = 16 * 1024 * 1024;

    public async Task UploadAsync(RegistryRequestContext ctx, Uri repositoryUri, Descriptor blob, Func<CancellationToken, Task<Stream>> open,
        IProgress<long>? progress, Uri? session, Func<CancellationToken, Task<BlobInfo?>> head, CancellationToken ct)
    {
        ctx = ctx with { RetriedByUploader = true };
        var reauthorized = false;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await UploadOnceAsync(ctx, repositoryUri, blob, open, progress, session, failOn401: reauthorized, ct).ConfigureAwait(false)) return;
                reauthorized = true;
            }
            catch (RegistryException e) when (attempt < http.Options.PushRetry && e.IsTransient && !ct.IsCancellationRequested)
            {
                await Task.Delay(RetryHandler.Backoff(http.Options, attempt, e.RetryAfter), ct).ConfigureAwait(false);
            }
            session = null;
            if (await head(ct).ConfigureAwait(false) is { } existing && (existing.Size == blob.Size || existing.Size < 0)) return;
        }
    }

    /// <summary>
    /// Uploads a blob whose bytes are still being produced: one PATCH whose body is sent chunked, as it comes (the way
    /// the Docker daemon pushes), then PUT <c>?digest=</c> with the digest <paramref name="finished"/> gives at the end.
    /// Never retried, because the body cannot be sent twice: on any failure the caller uploads the finished blob instead.
    /// </summary>
    /// <returns>The blob as stored.</returns>
    public async Task<Descriptor> UploadGrowingAsync(RegistryRequestContext ctx, Uri repositoryUri, Stream body, Task<Descriptor> finished,
        IProgress<long>? progress, CancellationToken ct)
    {
        ctx = ctx with { RetriedByUploader = true };
        var session = await StartAsync(ctx, repositoryUri, ct).ConfigureAwait(false);
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, session))
        {
            var watch = new TransferWatch(long.MaxValue);
            patch.Options.Set(TransferWatch.Key, watch);
            // No Content-Length: the length is not known yet, so the body goes with chunked transfer encoding.
            patch.Content = new StreamContent(new ProgressStream(body, n =>
            {
                watch.Moved(n);
                progress?.Report(n);
            }, ended: watch.Ended), BufferSize);
            patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.SendAsync(patch, ctx, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted) throw await http.FailAsync(response, ctx, ct).ConfigureAwait(false);
            session = Location(response, session);
        }
        var blob = await finished.WaitAsync(ct).ConfigureAwait(false);
        await CloseAsync(ctx, session, blob.Digest, ct).ConfigureAwait(false);
        return blob;
    }

    /// <summary>One upload; false when a streamed body got a 401 (and <paramref name="failOn401"/> is false): upload again with a new token.</summary>
    private async Task<bool> UploadOnceAsync(RegistryRequestContext ctx, Uri repositoryUri, Descriptor blob, Func<CancellationToken, Task<Stream>> open,
        IProgress<long>? progress, Uri? session, bool failOn401, CancellationToken ct)
    {
        session ??= await StartAsync(ctx, repositoryUri, ct).ConfigureAwait(false);
        var monolithic = await PutMonolithicAsync(ctx, session, blob, open, progress, failOn401, ct).ConfigureAwait(false);
        if (monolithic is { } done) return done;
        // The registry refused a single PUT with a body: a fresh session, in chunks.
        session = await StartAsync(ctx, repositoryUri, ct).ConfigureAwait(false);
        return await PutChunkedAsync(ctx, session, blob, open, progress, failOn401, ct).ConfigureAwait(false);
    }

    private async Task<Uri> StartAsync(RegistryRequestContext ctx, Uri repositoryUri, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(repositoryUri, "blobs/uploads/"));
        using var response = await http.SendAsync(request, ctx, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted) throw await http.FailAsync(response, ctx, ct).ConfigureAwait(false);
        return Location(response, request.RequestUri!);
    }

    /// <summary>PUT with the whole body: true when stored, null when the registry wants chunks (413, 416, 411, 501), false on a 401 to retry.</summary>
    private async Task<bool?> PutMonolithicAsync(RegistryRequestContext ctx, Uri session, Descriptor blob, Func<CancellationToken, Task<Stream>> open,
        IProgress<long>? progress, bool failOn401, CancellationToken ct)
    {
        Stream? source = null;
        try
        {
            using var response = await SendBodyAsync(ctx, HttpMethod.Put, WithDigest(session, blob.Digest), 0, blob.Size, async () =>
            {
                if (source is not null) await source.DisposeAsync().ConfigureAwait(false);
                return source = await open(ct).ConfigureAwait(false);
            }, progress, null, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Created) return true;
            if (response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.RequestedRangeNotSatisfiable
                or HttpStatusCode.LengthRequired or HttpStatusCode.NotImplemented)
                return null;
            if (response.StatusCode == HttpStatusCode.Unauthorized && !failOn401) return false;
            throw await http.FailAsync(response, ctx, ct).ConfigureAwait(false);
        }
        finally
        {
            if (source is not null) await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> PutChunkedAsync(RegistryRequestContext ctx, Uri session, Descriptor blob, Func<CancellationToken, Task<Stream>> open,
        IProgress<long>? progress, bool failOn401, CancellationToken ct)
    {
        var source = await open(ct).ConfigureAwait(false);
        try
        {
            long offset = 0;
            while (offset < blob.Size)
            {
                var length = Math.Min(ChunkSize, blob.Size - offset);
                var sent = false;
                var chunkOffset = offset;
                using var response = await SendBodyAsync(ctx, HttpMethod.Patch, session, offset, length, async () =>
                {
                    // The chunk is read from the shared stream the first time; sent again, from the blob opened again at its offset.
                    if (sent)
                    {
                        await source.DisposeAsync().ConfigureAwait(false);
                        source = await OpenAtAsync(open, chunkOffset, ct).ConfigureAwait(false);
                    }
                    sent = true;
                    return new SliceStream(source, length);
                }, progress, r => r.Content!.Headers.TryAddWithoutValidation("Content-Range", $"{chunkOffset}-{chunkOffset + length - 1}"), ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized && !failOn401) return false;
                if (response.StatusCode != HttpStatusCode.Accepted) throw await http.FailAsync(response, ctx, ct).ConfigureAwait(false);
                session = Location(response, response.RequestMessage?.RequestUri ?? session);
                offset += length;
            }
        }
        finally
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }
        await CloseAsync(ctx, session, blob.Digest, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sends a streamed body, and sends it again, from <paramref name="body"/> opened anew, where a 307 or 308 points: HTTP
    /// keeps the method and the body on those (RFC 9110 §15.4.8), and a storage front-end of the registry may answer them.
    /// Credentials go with it only to the registry's own origin (<see cref="AuthHandler"/>, <see cref="RedirectHandler"/>).
    /// </summary>
    private async Task<HttpResponseMessage> SendBodyAsync(RegistryRequestContext ctx, HttpMethod method, Uri uri, long offset, long length,
        Func<Task<Stream>> body, IProgress<long>? progress, Action<HttpRequestMessage>? decorate, CancellationToken ct)
    {
        for (var hops = 0; ; hops++)
        {
            var request = new HttpRequestMessage(method, uri);
            SetBody(request, await body().ConfigureAwait(false), offset, length, progress);
            decorate?.Invoke(request);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ctx, ct).ConfigureAwait(false);
            }
            catch
            {
                request.Dispose();
                throw;
            }
            if (hops >= MaxBodyRedirects || response.StatusCode is not (HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect)
                || RedirectHandler.Target(response, request.RequestUri!) is not { } target)
                return response;
            response.Dispose();
            request.Dispose();
            uri = target;
        }
    }

    /// <summary>The blob opened again and positioned at <paramref name="offset"/>.</summary>
    private static async Task<Stream> OpenAtAsync(Func<CancellationToken, Task<Stream>> open, long offset, CancellationToken ct)
    {
        var stream = await open(ct).ConfigureAwait(false);
        if (stream.CanSeek)
        {
            stream.Position = offset;
            return stream;
        }
        var skip = new byte[BufferSize];
        for (var left = offset; left > 0;)
        {
            var read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), ct).ConfigureAwait(false);
            if (read == 0) break;
            left -= read;
        }
        return stream;
    }

    /// <summary>Ends an upload whose bytes have all been sent: PUT <c>?digest=</c> with an empty body, answered 201.</summary>
    private async Task CloseAsync(RegistryRequestContext ctx, Uri session, Digest digest, CancellationToken ct)
    {
        using var close = new HttpRequestMessage(HttpMethod.Put, WithDigest(session, digest)) { Content = new ByteArrayContent([]) };
        close.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var closed = await http.SendAsync(close, ctx, ct).ConfigureAwait(false);
        if (closed.StatusCode != HttpStatusCode.Created) throw await http.FailAsync(closed, ctx, ct).ConfigureAwait(false);
    }

    /// <summary>A streamed body whose progress also feeds the deadline of the attempt sending it (the idle timeout).</summary>
    private static void SetBody(HttpRequestMessage request, Stream source, long offset, long length, IProgress<long>? progress)
    {
        var watch = new TransferWatch(length);
        request.Options.Set(TransferWatch.Key, watch);
        request.Content = new StreamContent(new ProgressStream(source, n =>
        {
            watch.Moved(n);
            progress?.Report(offset + n);
        }, length), BufferSize);
        request.Content.Headers.ContentLength = length;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    }

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
}
