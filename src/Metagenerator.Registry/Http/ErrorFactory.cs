using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;

namespace Metagenerator.Registry.Http;

/// <summary>Turns failed responses and network exceptions into <see cref="RegistryException"/>s with readable messages.</summary>
internal static class ErrorFactory
{
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented && status != HttpStatusCode.HttpVersionNotSupported);

    /// <summary>Reads at most 64 KiB of an error body and parses the distribution error list from it.</summary>
    public static async Task<IReadOnlyList<RegistryError>> ReadErrorsAsync(HttpResponseMessage response, RegistryRequestContext ctx, CancellationToken ct) =>
        (await ReadBodyAsync(response, ctx, ct).ConfigureAwait(false)).Errors;

    private static async Task<(IReadOnlyList<RegistryError> Errors, bool HttpsOnly)> ReadBodyAsync(HttpResponseMessage response, RegistryRequestContext ctx, CancellationToken ct)
    {
        try
        {
            var (body, _) = await BoundedBody.ReadUpToAsync(response.Content, BoundedBody.MaxErrorBytes, ctx.IdleTimeout, ct).ConfigureAwait(false);
            // Go's TLS servers answer plain HTTP with this text and a 400.
            var httpsOnly = body.AsSpan().IndexOf("HTTP request to an HTTPS server"u8) >= 0;
            return (ParseErrors(body), httpsOnly);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
        {
            // The status already says what went wrong; a body that cannot be read adds nothing.
            return ([], false);
        }
    }

    internal static IReadOnlyList<RegistryError> ParseErrors(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return [];
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                return [];
            var list = new List<RegistryError>();
            foreach (var e in errors.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) continue;
                var code = e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "UNKNOWN";
                var message = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                string? detail = e.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null ? (d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText()) : null;
                list.Add(new RegistryError(code, message, detail));
            }
            return list;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The exception for <paramref name="ctx"/>'s request: the message is the request's description, then <paramref name="what"/> went wrong.</summary>
    public static RegistryException Failed(RegistryRequestContext ctx, string what, HttpStatusCode? status = null, bool isTransient = false,
        Exception? innerException = null, Remedy? remedy = null, IReadOnlyList<RegistryError>? errors = null) =>
        new($"{ctx.Describe()}: {what}", ctx.Operation, ctx.Registry, ctx.Repository, status, errors, isTransient, innerException, remedy);

    /// <summary>The authentication failure of <paramref name="ctx"/>'s request (a 401 unless <paramref name="status"/> says otherwise), naming where credentials were looked up.</summary>
    public static RegistryAuthException AuthFailed(RegistryRequestContext ctx, string what, string? credentialSource, IReadOnlyList<RegistryError>? errors = null,
        Remedy? remedy = null, HttpStatusCode status = HttpStatusCode.Unauthorized, RegistryAuthFailure failure = RegistryAuthFailure.Refused) =>
        new($"{ctx.Describe()}: {what}", ctx.Operation, ctx.Registry, ctx.Repository, credentialSource, status, errors, remedy: remedy, failure: failure);

    /// <summary>An exception for a non-success response; 401/403 messages point at the credentials source.</summary>
    public static async Task<RegistryException> FromResponseAsync(HttpResponseMessage response, RegistryRequestContext ctx, ICredentialProvider credentials, CancellationToken ct)
    {
        var (errors, httpsOnly) = await ReadBodyAsync(response, ctx, ct).ConfigureAwait(false);
        var status = response.StatusCode;
        var what = errors.Count > 0 ? string.Join("; ", errors) : response.ReasonPhrase ?? status.ToString();
        var message = new StringBuilder($"{(int)status} {what}");
        Remedy? remedy = null;
        // Go's TLS servers answer plain HTTP with a 400 that says so: the remedy tells the user.
        if (httpsOnly) remedy = new Remedy(RemedyKind.UseHttps, ctx.Registry);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            message.Append(". ").Append(CredentialHint(ctx.Registry, credentials, null));
            if (credentials is AnonymousCredentials) remedy = new Remedy(RemedyKind.ProvideCredentials, ctx.Registry);
        }
        if (status == HttpStatusCode.TooManyRequests && RetryAfter(response) is { } wait)
            message.Append($" (the registry asks to wait {wait.TotalSeconds:0} s)");
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return AuthFailed(ctx, message.ToString(), credentials.Description, errors, remedy, status);
        var failed = Failed(ctx, message.ToString(), status, IsTransientStatus(status), remedy: remedy, errors: errors);
        failed.RetryAfter = RetryAfter(response);
        return failed;
    }

    /// <summary>"Check the credentials for HOST in FILE", or that there are none (the remedy says how to add some).</summary>
    public static string CredentialHint(string registry, ICredentialProvider credentials, string? source) =>
        source is not null ? $"Check the credentials for {registry} in {source}"
        : credentials is AnonymousCredentials ? $"No credentials are configured for {registry}"
        : $"Check the credentials for {registry} in {credentials.Description}";

    /// <summary>The Retry-After delay of a response, if it has one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        return null;
    }

    /// <summary>An exception for a request that got no response: TLS failure, refused or reset connection, timeout.</summary>
    public static RegistryException FromNetwork(Exception e, RegistryRequestContext ctx, bool plainHttp, string? tlsReason = null)
    {
        var reg = ctx.Registry;
        if (e is TimeoutException)
            return Failed(ctx, e.Message, isTransient: true, innerException: e);
        if (e is OperationCanceledException)
            return Failed(ctx, "the registry did not answer in time", isTransient: true, innerException: e);

        if (FindInner<AuthenticationException>(e) is { } tls || (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }))
        {
            var reason = tlsReason ?? FindInner<AuthenticationException>(e)?.Message ?? e.Message;
            return Failed(ctx, $"TLS connection to {reg} failed ({reason})", innerException: e, remedy: new Remedy(RemedyKind.TrustRegistryCertificate, reg));
        }
        if (FindInner<SocketException>(e) is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return Failed(ctx, $"registry {reg} is unreachable: connection refused ({(plainHttp ? "http" : "https")}://{reg}). Is the registry running and the host and port right?",
                        isTransient: true, innerException: e);
                case SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData:
                    return Failed(ctx, $"registry {reg} is unreachable: its host name cannot be resolved", innerException: e);
                case SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable:
                    return Failed(ctx, $"registry {reg} is unreachable ({socket.SocketErrorCode})", isTransient: true, innerException: e);
            }
        }
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
            return Failed(ctx, $"registry {reg} is unreachable: its host name cannot be resolved", innerException: e);
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse } && !plainHttp)
            return Failed(ctx, $"{reg} sent an invalid response ({e.Message})", innerException: e);

        return Failed(ctx, $"the connection to {reg} failed ({Innermost(e).Message})", isTransient: true, innerException: e);
    }

    /// <summary>True when <paramref name="e"/> (from SendAsync) is worth retrying.</summary>
    public static bool IsTransientNetwork(Exception e) =>
        e switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError } => false,
            HttpRequestException h when FindInner<AuthenticationException>(h) is not null => false,
            HttpRequestException => true,
            IOException => true,
            _ => false,
        };

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
