using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Metagenerator.TestSupport.Registry;

/// <summary>One request seen by the <see cref="FaultProxy"/>.</summary>
public sealed record ProxiedRequest(int Sequence, string Method, string Target, long ContentLength)
{
    /// <summary>The scheme of the request's <c>Authorization</c> header (<c>Basic</c>, <c>Bearer</c>), or null when it had none.</summary>
    public string? AuthorizationScheme { get; init; }

    /// <summary>The path without the query.</summary>
    public string Path => Target.Split('?')[0];

    /// <summary>True for a request that carries blob bytes: a PUT or PATCH with a body to an upload session.</summary>
    public bool IsBlobUpload => (Method is "PUT" or "PATCH") && Path.Contains("/blobs/uploads/") && ContentLength > 0;
}

/// <summary>What the proxy does instead of forwarding a request.</summary>
public abstract record Fault
{
    /// <summary>Answer with this status (and headers/body) after reading the whole request body.</summary>
    public sealed record Respond(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null) : Fault;

    /// <summary>Read this many bytes of the request body, then reset the connection (TCP RST).</summary>
    public sealed record ResetAfter(long BodyBytes) : Fault;

    /// <summary>Wait this long, then forward the request normally (to make concurrency observable).</summary>
    public sealed record Delay(TimeSpan By) : Fault;

    /// <summary>Read the whole request body, then never answer (until the proxy is disposed).</summary>
    public sealed record Hang : Fault;

    /// <summary>Answer with this status and headers, then a body that never ends (no Content-Length), until the client hangs up.</summary>
    public sealed record EndlessBody(int Status, IReadOnlyDictionary<string, string>? Headers = null) : Fault;

    /// <summary>Answer 200 with a Content-Length of <paramref name="ClaimedLength"/>, send <paramref name="SentBytes"/> of it, then nothing more (until the proxy is disposed).</summary>
    public sealed record StallBody(long ClaimedLength, int SentBytes) : Fault;

    /// <summary>Read <paramref name="BodyBytes"/> of the request body, then stop reading (until the proxy is disposed): an upload that stops moving.</summary>
    public sealed record StallUpload(long BodyBytes) : Fault;

    /// <summary>Forward the request, then point the response's <c>Location</c> at <paramref name="Authority"/> (host:port) instead.</summary>
    public sealed record RewriteLocation(string Authority) : Fault;

    /// <summary>Read the whole request body, then answer <paramref name="Status"/> (307, 308…) with <c>Location</c> the same path and query on <paramref name="Authority"/> (host:port).</summary>
    public sealed record Redirect(int Status, string Authority) : Fault;

    /// <summary>A 500 with a distribution error body.</summary>
    public static Respond ServerError() => new(500, """{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}""");

    /// <summary>A 429 asking to retry after <paramref name="seconds"/>.</summary>
    public static Respond TooManyRequests(int seconds = 1) =>
        new(429, """{"errors":[{"code":"TOOMANYREQUESTS","message":"injected rate limit"}]}""", new Dictionary<string, string> { ["Retry-After"] = seconds.ToString() });

    /// <summary>A 401 as a registry sends for an expired token, challenging for a new one.</summary>
    public static Respond ExpiredToken(string realm, string service) =>
        new(401, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""",
            new Dictionary<string, string> { ["WWW-Authenticate"] = $"Bearer realm=\"{realm}\",service=\"{service}\",error=\"invalid_token\"" });
}

/// <summary>
/// A plain-HTTP proxy on 127.0.0.1 in front of a registry: forwards requests (one per connection), records them so
/// tests can count blob uploads, and injects faults (error statuses, connection resets mid-upload, expired tokens).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private readonly List<(Func<ProxiedRequest, bool> When, Fault Fault, int Remaining)> _rules = [];
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private int _sequence;

    private FaultProxy(TcpListener listener, string upstreamHost, int upstreamPort)
    {
        _listener = listener;
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The proxy's port.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary><c>127.0.0.1:PORT</c>, for image references through the proxy.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Every request seen, in arrival order (faulted ones included).</summary>
    public IReadOnlyList<ProxiedRequest> Requests => [.. _requests];

    /// <summary>The most blob-carrying requests that were in flight at the same time.</summary>
    public int MaxConcurrentBlobUploads => _maxConcurrentUploads;
    private int _concurrentUploads;
    private int _maxConcurrentUploads;

    /// <summary>How many requests that carried blob bytes were seen.</summary>
    public int BlobUploads => _requests.Count(r => r.IsBlobUpload);

    /// <summary>Starts a proxy to a plain-HTTP upstream on 127.0.0.1.</summary>
    public static FaultProxy Start(int upstreamPort, string upstreamHost = "127.0.0.1")
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new FaultProxy(listener, upstreamHost, upstreamPort);
    }

    /// <summary>Injects <paramref name="fault"/> for the next <paramref name="times"/> requests matching <paramref name="when"/>.</summary>
    public void Inject(Func<ProxiedRequest, bool> when, Fault fault, int times = 1)
    {
        lock (_rules) _rules.Add((when, fault, times));
    }

    /// <summary>Drops all faults not yet used and forgets recorded requests.</summary>
    public void Reset()
    {
        lock (_rules) _rules.Clear();
        _requests.Clear();
    }

    private Fault? TakeFault(ProxiedRequest request)
    {
        lock (_rules)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var (when, fault, remaining) = _rules[i];
                if (!when(request)) continue;
                if (remaining <= 1) _rules.RemoveAt(i);
                else _rules[i] = (when, fault, remaining - 1);
                return fault;
            }
        }
        return null;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = new BufferedStream(client.GetStream(), 65536);
                var head = await ReadHeadAsync(stream);
                if (head is null) return;
                var lines = head.Split("\r\n");
                var requestLine = lines[0].Split(' ');
                var headers = lines.Skip(1).Where(l => l.Length > 0).ToList();
                long contentLength = 0;
                foreach (var h in headers)
                    if (h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) contentLength = long.Parse(h[15..].Trim());
                if (headers.Any(h => h.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)))
                {
                    await WriteResponseAsync(stream, 411, "", null);
                    return;
                }
                var authorization = headers.FirstOrDefault(h => h.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase));
                var request = new ProxiedRequest(Interlocked.Increment(ref _sequence), requestLine[0], requestLine[1], contentLength)
                {
                    AuthorizationScheme = authorization?[14..].Trim().Split(' ')[0],
                };
                _requests.Enqueue(request);
                if (request.IsBlobUpload)
                {
                    var now = Interlocked.Increment(ref _concurrentUploads);
                    int max;
                    while (now > (max = Volatile.Read(ref _maxConcurrentUploads)) && Interlocked.CompareExchange(ref _maxConcurrentUploads, now, max) != max) { }
                }
                try
                {
                    await ServeAsync(client, stream, lines, headers, request, contentLength);
                }
                finally
                {
                    if (request.IsBlobUpload) Interlocked.Decrement(ref _concurrentUploads);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
        }
    }

    private async Task ServeAsync(TcpClient client, Stream stream, string[] lines, List<string> headers, ProxiedRequest request, long contentLength)
    {
        var fault = TakeFault(request);
        switch (fault)
        {
            case Fault.Hang:
                await CopyExactlyAsync(stream, Stream.Null, contentLength);
                try { await Task.Delay(Timeout.Infinite, _stop.Token); }
                catch (OperationCanceledException) { }
                return;
            case Fault.StallUpload stallUpload:
                client.Client.ReceiveBufferSize = 4096;
                await CopyExactlyAsync(stream, Stream.Null, Math.Min(stallUpload.BodyBytes, contentLength));
                try { await Task.Delay(Timeout.Infinite, _stop.Token); }
                catch (OperationCanceledException) { }
                return;
            case Fault.StallBody stall:
                await CopyExactlyAsync(stream, Stream.Null, contentLength);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {stall.ClaimedLength}\r\n\r\n"));
                await stream.WriteAsync(new byte[stall.SentBytes]);
                await stream.FlushAsync();
                try { await Task.Delay(Timeout.Infinite, _stop.Token); }
                catch (OperationCanceledException) { }
                return;
            case Fault.EndlessBody endless:
                await CopyExactlyAsync(stream, Stream.Null, contentLength);
                await WriteEndlessAsync(stream, endless);
                return;
            case Fault.Delay delay:
                await Task.Delay(delay.By);
                break;
            case Fault.Respond respond:
                await CopyExactlyAsync(stream, Stream.Null, contentLength);
                await WriteResponseAsync(stream, respond.Status, respond.Body, respond.Headers);
                return;
            case Fault.Redirect redirect:
                await CopyExactlyAsync(stream, Stream.Null, contentLength);
                await WriteResponseAsync(stream, redirect.Status, "", new Dictionary<string, string> { ["Location"] = $"http://{redirect.Authority}{request.Target}" });
                return;
            case Fault.ResetAfter reset:
                await CopyExactlyAsync(stream, Stream.Null, Math.Min(reset.BodyBytes, contentLength));
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
        }

        using var upstream = new TcpClient();
        await upstream.ConnectAsync(_upstreamHost, _upstreamPort);
        var upstreamStream = upstream.GetStream();
        var forwarded = new StringBuilder();
        forwarded.Append(lines[0]).Append("\r\n");
        foreach (var h in headers)
            if (!h.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) && !h.StartsWith("Keep-Alive:", StringComparison.OrdinalIgnoreCase))
                forwarded.Append(h).Append("\r\n");
        forwarded.Append("Connection: close\r\n\r\n");
        await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString()));
        await CopyExactlyAsync(stream, upstreamStream, contentLength);
        await upstreamStream.FlushAsync();
        if (fault is Fault.RewriteLocation rewrite)
        {
            var head = await ReadHeadAsync(upstreamStream) ?? throw new IOException("upstream closed without a response");
            var rewritten = string.Join("\r\n", head.Split("\r\n").Select(l => l.StartsWith("Location:", StringComparison.OrdinalIgnoreCase)
                ? "Location: " + new UriBuilder(new Uri(new Uri($"http://{_upstreamHost}:{_upstreamPort}"), l[9..].Trim())) { Host = rewrite.Authority.Split(':')[0], Port = int.Parse(rewrite.Authority.Split(':')[1]) }.Uri
                : l));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(rewritten + "\r\n\r\n"));
        }
        // The upstream closes after its response (Connection: close), which frames it for our client too.
        await upstreamStream.CopyToAsync(stream);
        await stream.FlushAsync();
    }

    private async Task WriteEndlessAsync(Stream stream, Fault.EndlessBody endless)
    {
        var sb = new StringBuilder($"HTTP/1.1 {endless.Status} {(HttpStatusCode)endless.Status}\r\n");
        if (endless.Headers?.ContainsKey("Content-Type") != true) sb.Append("Content-Type: application/json\r\n");
        sb.Append("Connection: close\r\n");
        if (endless.Headers is not null)
            foreach (var (k, v) in endless.Headers) sb.Append($"{k}: {v}\r\n");
        sb.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
        // A JSON string that never closes: a parser cannot finish it early, only a size limit can stop the reader.
        await stream.WriteAsync("{\"token\":\""u8.ToArray());
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        while (!_stop.IsCancellationRequested) await stream.WriteAsync(chunk, _stop.Token);
    }

    private static async Task<string?> ReadHeadAsync(Stream stream)
    {
        var bytes = new List<byte>(1024);
        var one = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(one);
            if (read == 0) return bytes.Count == 0 ? null : throw new IOException("connection closed inside a request head");
            bytes.Add(one[0]);
            var n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray(), 0, n - 4);
            if (n > 64 * 1024) throw new IOException("request head too large");
        }
    }

    private static async Task CopyExactlyAsync(Stream from, Stream to, long count)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)));
            if (read == 0) throw new IOException("client closed the request body early");
            await to.WriteAsync(buffer.AsMemory(0, read));
            count -= read;
        }
    }

    private static async Task WriteResponseAsync(Stream stream, int status, string body, IReadOnlyDictionary<string, string>? headers)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var sb = new StringBuilder($"HTTP/1.1 {status} {(HttpStatusCode)status}\r\n");
        if (headers?.ContainsKey("Content-Type") != true) sb.Append("Content-Type: application/json\r\n");
        sb.Append($"Content-Length: {bytes.Length}\r\n");
        sb.Append("Connection: close\r\n");
        if (headers is not null)
            foreach (var (k, v) in headers) sb.Append($"{k}: {v}\r\n");
        sb.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>Stops accepting connections.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _loop; } catch (Exception) { }
        _stop.Dispose();
    }
}
