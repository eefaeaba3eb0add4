using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using Metagenerator.Oci;

namespace Metagenerator.Registry.Http;

/// <summary>
/// The HTTP side of the registry client, shared by every repository: one <see cref="HttpClient"/> whose handlers,
/// outermost first, put a deadline on each attempt and retry (<see cref="RetryHandler"/>), authenticate by origin
/// (<see cref="AuthHandler"/>), follow redirects (<see cref="RedirectHandler"/>) and connect under the <see cref="RegistryTlsPolicy"/>. Every failure leaves it as a
/// <see cref="RegistryException"/> that names the operation.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly AuthHandler _auth;
    private readonly ConcurrentDictionary<string, RegistryException> _unanswered = new(StringComparer.OrdinalIgnoreCase);

    public RegistryHttp(RegistryOptions options, TimeProvider time, IEvents events)
    {
        Options = options;
        Events = events;
        Tls = new RegistryTlsPolicy(options);
        // A transport given in the options (an in-process registry in tests) replaces only the sockets; the handlers above stay.
        HttpMessageHandler sockets = options.Transport is { } transport ? new BorrowedHandler(transport) : new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AutomaticDecompression = DecompressionMethods.None,
            // RedirectHandler follows redirects: it decides where credentials and bodies may go.
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Tls.Validate },
        };
        _auth = new AuthHandler(options.Credentials, options.IsPlainHttp, new RedirectHandler(sockets), time);
        _http = new HttpClient(new RetryHandler(options, events, _auth))
        {
            Timeout = Timeout.InfiniteTimeSpan,
            // Bodies are read with BoundedBody; this only guards a buffered read that slipped through.
            MaxResponseContentBufferSize = BoundedBody.MaxManifestBytes,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    public RegistryOptions Options { get; }

    /// <summary>Where request lines and waiting notices go.</summary>
    public IEvents Events { get; }

    public RegistryTlsPolicy Tls { get; }

    public int TokenRequests => _auth.TokenRequests;

    /// <summary>The context of one operation on <paramref name="registry"/> (and <paramref name="repository"/>, if any).</summary>
    public RegistryRequestContext Context(string operation, string preposition, string registry, string? repository, IReadOnlyList<string> scopes) =>
        new(operation, preposition, registry, repository, scopes)
        {
            Origin = Tls.BaseUri(registry),
            IdleTimeout = Options.IdleTimeout,
            RequestTimeout = Options.RequestTimeout,
        };

    /// <summary>Sends a request; the response's body is not read yet. Network failures and timeouts become <see cref="RegistryException"/>s.</summary>
    /// <remarks>
    /// Once a registry has let a request go unanswered for the whole <see cref="RegistryOptions.RequestTimeout"/> (each
    /// retry included), nothing more is sent to it: every later request fails at once naming the one that went
    /// unanswered, whose error is its inner exception (an upload's own requests excepted: the uploader restarts those,
    /// and the check before a restart trips it), so a registry that accepts connections and never answers costs one
    /// wait (<c>--push-retry N</c>: N+1), not one per step (reading the previous image, the tags check, the blob HEADs,
    /// the push).
    /// </remarks>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, RegistryRequestContext ctx, CancellationToken ct)
    {
        if (_unanswered.TryGetValue(ctx.Registry, out var earlier))
            throw ErrorFactory.Failed(ctx, $"not sent, because {ctx.Registry} did not answer earlier ({earlier.Message})", innerException: earlier);
        request.Options.Set(RegistryRequestContext.Key, ctx);
        var started = Stopwatch.GetTimestamp();
        // Only the path is logged: upload URLs carry registry state in their query.
        var what = $"{request.Method} {request.RequestUri?.Authority}{request.RequestUri?.AbsolutePath}";
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            Events.Request($"{what} -> {(int)response.StatusCode} ({Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms)");
            return response;
        }
        catch (RegistryException e)
        {
            Events.Request($"{what} -> failed: {e.Message}");
            throw;
        }
        catch (HttpRequestException e) when (e.InnerException is RegistryException fromBody)
        {
            // The body being sent failed (a blob streamed from another registry): that failure is the one to report.
            Events.Request($"{what} -> failed: {fromBody.Message}");
            throw fromBody;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var error = NetworkError(e, ctx);
            Events.Request($"{what} -> failed: {error.Message}");
            // An upload's own retries (--push-retry) are the uploader's to make: only a request no retry is left for trips this.
            if (request.Options.TryGetValue(RequestDeadline.Unanswered, out var unanswered) && unanswered && !ctx.RetriedByUploader) _unanswered.TryAdd(ctx.Registry, error);
            throw error;
        }
    }

    /// <summary>Reads a manifest-sized body, turning a cut connection, a stall or an oversized body into a <see cref="RegistryException"/>.</summary>
    public async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, RegistryRequestContext ctx, CancellationToken ct)
    {
        try
        {
            return await BoundedBody.ReadAsync(response.Content, BoundedBody.MaxManifestBytes, ctx.IdleTimeout, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw ErrorFactory.Failed(ctx, e.Message, innerException: e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
        {
            throw NetworkError(e, ctx);
        }
    }

    /// <summary>The exception for a response that is not what the operation expects.</summary>
    public Task<RegistryException> FailAsync(HttpResponseMessage response, RegistryRequestContext ctx, CancellationToken ct) =>
        ErrorFactory.FromResponseAsync(response, ctx, Options.Credentials, ct);

    public RegistryException NetworkError(Exception e, RegistryRequestContext ctx) =>
        ErrorFactory.FromNetwork(e, ctx, Tls.IsPlainHttp(ctx.Registry), Tls.FailureReason(ctx.Origin.Host));

    public void Dispose() => _http.Dispose();

    /// <summary>Sends through a handler this client does not own, so disposing the client leaves it usable.</summary>
    private sealed class BorrowedHandler(HttpMessageHandler transport) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(transport, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => _invoker.SendAsync(request, ct);
    }
}
