using System.Net;

namespace Metagenerator.Registry.Http;

/// <summary>
/// Follows redirects itself (the socket handler's own following is off), so that where a request's credentials and body
/// go is decided here: the <c>Authorization</c> header goes on only to the origin the request was first sent to, a
/// token request carrying a secret (<see cref="StaysOnOrigin"/>) is not sent to another origin at all, and a body
/// that cannot be sent again (a streamed upload) is not sent twice.
/// </summary>
/// <remarks>
/// 301, 302 and 303 turn a POST (303: anything but HEAD) into a GET without a body; 307 and 308 keep the method and the
/// body (RFC 9110 §15.4). A redirect that is not followed is handed back as it is: the token client and the blob
/// uploader, which own the secret and the file, decide what it means. HTTPS is never left for plain HTTP.
/// </remarks>
internal sealed class RedirectHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Set on a request that carries a credential in its header or body (a token request): it never follows a redirect to another origin.</summary>
    public static readonly HttpRequestOptionsKey<bool> StaysOnOrigin = new("metagenerator.stays-on-origin");

    private const int MaxRedirects = 10;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var first = request.RequestUri!;
        var staysOnOrigin = request.Options.TryGetValue(StaysOnOrigin, out var stays) && stays;
        for (var hops = 0; ; hops++)
        {
            var response = await base.SendAsync(request, ct).ConfigureAwait(false);
            if (hops >= MaxRedirects || Target(response, request.RequestUri!) is not { } target) return response;
            var keepsBody = response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
            var sameOrigin = SameOrigin(first, target);
            if (target.Scheme == Uri.UriSchemeHttp && request.RequestUri!.Scheme == Uri.UriSchemeHttps) return response;
            if (staysOnOrigin && !sameOrigin) return response;
            if (keepsBody && !RegistryRequestContext.IsReplayable(request.Content)) return response;

            response.Dispose();
            if (!keepsBody && (request.Method == HttpMethod.Post || (response.StatusCode == HttpStatusCode.SeeOther && request.Method != HttpMethod.Head)))
            {
                request.Method = HttpMethod.Get;
                request.Content = null;
            }
            if (!sameOrigin) request.Headers.Authorization = null;
            request.RequestUri = target;
        }
    }

    /// <summary>Where a redirect points, resolved against the request's URI; null when <paramref name="response"/> is not one to follow.</summary>
    internal static Uri? Target(HttpResponseMessage response, Uri requestUri)
    {
        if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect)) return null;
        if (response.Headers.Location is not { } location) return null;
        var target = location.IsAbsoluteUri ? location : new Uri(requestUri, location);
        return target.Scheme is "http" or "https" ? target : null;
    }

    internal static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
