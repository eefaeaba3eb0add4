using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Metagenerator.Docker;

/// <summary>What a container is created with: exactly the fields the Model API's Docker SDK call sets, plus what the user added explicitly.</summary>
public sealed record ContainerSpec
{
    /// <summary>The image reference.</summary>
    public required string Image { get; init; }

    /// <summary><c>NAME=VALUE</c> environment entries, in order.</summary>
    public required IReadOnlyList<string> Environment { get; init; }

    /// <summary><c>SOURCE:TARGET[:OPTIONS]</c> bind mounts.</summary>
    public required IReadOnlyList<string> Binds { get; init; }

    /// <summary>The network mode (<c>host</c>, a network name), or null for the engine's default.</summary>
    public string? NetworkMode { get; init; }

    /// <summary>Security options (<c>seccomp=unconfined</c>), or empty.</summary>
    public IReadOnlyList<string> SecurityOptions { get; init; } = [];
}

/// <summary>
/// A small Docker Engine API client over the BCL's <see cref="HttpClient"/>: a unix socket through
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, or plain TCP. Only the calls <c>generate</c> makes.
/// </summary>
public sealed class DockerEngineClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Connects (lazily) to <paramref name="endpoint"/>.</summary>
    public DockerEngineClient(EngineEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        if (endpoint.SocketPath is { } path)
        {
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        // Streams (logs, pulls) last as long as the generator runs: the caller's token and --timeout bound them.
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Where the engine is.</summary>
    public EngineEndpoint Endpoint { get; }

    /// <summary>GET /version: the engine's version, or an exception that says why there is no engine.</summary>
    public async Task<string> VersionAsync(CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "version", null, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "ask the engine its version", ct).ConfigureAwait(false);
        var version = await response.Content.ReadFromJsonAsync(EngineJsonContext.Default.EngineVersion, ct).ConfigureAwait(false);
        return $"{version?.Version ?? "?"} (API {version?.ApiVersion ?? "?"}, {version?.Os}/{version?.Arch})";
    }

    /// <summary>GET /images/{name}/json: true when the engine has the image.</summary>
    public async Task<bool> ImageExistsAsync(string image, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images/{image}/json", null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, $"inspect image {image}", ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// POST /images/create: pulls <paramref name="repository"/>:<paramref name="tag"/> with <paramref name="auth"/> in
    /// X-Registry-Auth (as the Docker SDK's login + images.pull do). Progress lines go to <paramref name="progress"/>.
    /// </summary>
    public async Task PullAsync(string repository, string tag, RegistryAuth? auth, Action<string>? progress, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"images/create?fromImage={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}");
        if (auth is not null) request.Headers.Add("X-Registry-Auth", EncodeAuth(auth));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var what = $"pull {repository}:{tag}";
        if (!response.IsSuccessStatusCode) throw PullFailure(what, await ErrorMessageAsync(response, ct).ConfigureAwait(false), response.StatusCode);
        await ReadProgressAsync(response, what, progress, ct).ConfigureAwait(false);
    }

    /// <summary>POST /images/load: loads a docker-archive tarball; returns the engine's "Loaded image" lines.</summary>
    public async Task<IReadOnlyList<string>> LoadAsync(Stream archive, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "images/load?quiet=1") { Content = new StreamContent(archive) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "load the generator image", ct).ConfigureAwait(false);
        var loaded = new List<string>();
        await ReadProgressAsync(response, "load the generator image", line => loaded.Add(line.Trim()), ct).ConfigureAwait(false);
        return loaded;
    }

    /// <summary>POST /containers/create; returns the container's id.</summary>
    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var body = new ContainerCreateBody
        {
            Image = spec.Image,
            Env = spec.Environment,
            HostConfig = new ContainerHostConfig
            {
                Binds = spec.Binds,
                NetworkMode = spec.NetworkMode,
                SecurityOpt = spec.SecurityOptions.Count == 0 ? null : spec.SecurityOptions,
            },
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(body, EngineJsonContext.Default.ContainerCreateBody);
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await SendAsync(HttpMethod.Post, "containers/create", content, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"create a container of {spec.Image}", ct).ConfigureAwait(false);
        var created = await response.Content.ReadFromJsonAsync(EngineJsonContext.Default.ContainerCreateResponse, ct).ConfigureAwait(false);
        return created?.Id ?? throw new DockerEngineException("the engine created a container but did not say its id", DockerEngineFailure.Refused);
    }

    /// <summary>POST /containers/{id}/start.</summary>
    public async Task StartContainerAsync(string id, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/start", null, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"start container {Short(id)}", ct).ConfigureAwait(false);
    }

    /// <summary>GET /containers/{id}/logs?follow=1: every output frame from the start, as it comes, until the container ends.</summary>
    public async Task FollowLogsAsync(string id, Func<ContainerStream, ReadOnlyMemory<byte>, ValueTask> onOutput, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"containers/{id}/logs?follow=1&stdout=1&stderr=1");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"read the output of container {Short(id)}", ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await MultiplexedStream.ReadAsync(stream, onOutput, ct).ConfigureAwait(false);
    }

    /// <summary>POST /containers/{id}/wait: the container's exit status once it has ended.</summary>
    public async Task<long> WaitContainerAsync(string id, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/wait", null, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"wait for container {Short(id)}", ct).ConfigureAwait(false);
        var waited = await response.Content.ReadFromJsonAsync(EngineJsonContext.Default.ContainerWaitResponse, ct).ConfigureAwait(false);
        if (waited?.Error?.Message is { Length: > 0 } error)
            throw new DockerEngineException($"the engine could not wait for container {Short(id)}: {error}", DockerEngineFailure.Refused);
        return waited?.StatusCode ?? throw new DockerEngineException($"the engine did not say how container {Short(id)} ended", DockerEngineFailure.Refused);
    }

    /// <summary>DELETE /containers/{id}?force=1&amp;v=1: stops (kills) and removes it; a container already gone is fine.</summary>
    public async Task RemoveContainerAsync(string id, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"containers/{id}?force=1&v=1", null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        await EnsureSuccessAsync(response, $"remove container {Short(id)}", ct).ConfigureAwait(false);
    }

    /// <summary>The X-Registry-Auth value: base64url of the AuthConfig JSON.</summary>
    public static string EncodeAuth(RegistryAuth auth)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(auth, EngineJsonContext.Default.RegistryAuth);
        return Convert.ToBase64String(json).Replace('+', '-').Replace('/', '_');
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        return await SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException socket)
        {
            throw Unreachable(socket, e);
        }
        catch (HttpRequestException e)
        {
            throw new DockerEngineException($"no Docker engine answers at {Endpoint.Description}: {e.Message}; start it, or set DOCKER_HOST to where it listens",
                DockerEngineFailure.Unreachable, e);
        }
    }

    private DockerEngineException Unreachable(SocketException socket, Exception e) => socket.SocketErrorCode switch
    {
        SocketError.AccessDenied => new DockerEngineException(
            $"permission denied on the Docker engine's socket {Endpoint.SocketPath ?? Endpoint.Description}: this user may not use the engine; " +
            "run as a member of the socket's group (usually 'docker'), or set DOCKER_HOST to an engine you may use", DockerEngineFailure.PermissionDenied, e),
        _ when Endpoint.SocketPath is { } path && !File.Exists(path) && !Directory.Exists(path) => new DockerEngineException(
            $"no Docker engine at {Endpoint.Description}: there is no socket {path}; start the engine, or set DOCKER_HOST to where it listens (unix:///PATH or tcp://HOST:PORT)",
            DockerEngineFailure.Unreachable, e),
        _ => new DockerEngineException(
            $"no Docker engine at {Endpoint.Description} ({socket.Message}); start it, or set DOCKER_HOST to where it listens (unix:///PATH or tcp://HOST:PORT)",
            DockerEngineFailure.Unreachable, e),
    };

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var message = await ErrorMessageAsync(response, ct).ConfigureAwait(false);
        throw new DockerEngineException($"the Docker engine refused to {what}: {message} (HTTP {(int)response.StatusCode})", DockerEngineFailure.Refused);
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            if (JsonSerializer.Deserialize(text, EngineJsonContext.Default.EngineErrorBody)?.Message is { Length: > 0 } message) return message;
        }
        catch (JsonException)
        {
        }
        return text.Trim().Length == 0 ? response.ReasonPhrase ?? "no reason given" : text.Trim();
    }

    private static async Task ReadProgressAsync(HttpResponseMessage response, string what, Action<string>? progress, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0) continue;
            ProgressLine? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize(line, EngineJsonContext.Default.ProgressLine);
            }
            catch (JsonException)
            {
                continue;
            }
            if ((parsed?.ErrorDetail?.Message ?? parsed?.Error) is { } error) throw PullFailure(what, error, null);
            if ((parsed?.Stream ?? parsed?.Status) is { Length: > 0 } status) progress?.Invoke(status);
        }
    }

    /// <summary>Tells refused credentials and a missing image apart by the registry's words, which the engine passes on.</summary>
    private static DockerEngineException PullFailure(string what, string message, HttpStatusCode? status)
    {
        var lower = message.ToLowerInvariant();
        var suffix = status is { } s ? $" (HTTP {(int)s})" : "";
        if (lower.Contains("unauthorized") || lower.Contains("authentication required") || lower.Contains("no basic auth credentials") || lower.Contains("denied"))
            return new DockerEngineException($"the Docker engine could not {what}: the registry refused the credentials: {message}{suffix}", DockerEngineFailure.PullUnauthorized);
        if (lower.Contains("not found") || lower.Contains("manifest unknown") || lower.Contains("does not exist"))
            return new DockerEngineException($"the Docker engine could not {what}: no such image: {message}{suffix}", DockerEngineFailure.PullNotFound);
        return new DockerEngineException($"the Docker engine could not {what}: {message}{suffix}", DockerEngineFailure.Refused);
    }
}
