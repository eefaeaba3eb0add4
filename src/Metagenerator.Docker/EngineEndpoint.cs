namespace Metagenerator.Docker;

/// <summary>Where the Docker engine listens, from <c>DOCKER_HOST</c>: a unix socket (default <c>/var/run/docker.sock</c>) or plain TCP.</summary>
public sealed record EngineEndpoint
{
    /// <summary>The socket docker's own client uses when <c>DOCKER_HOST</c> is unset.</summary>
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>The unix socket's path, or null for TCP.</summary>
    public string? SocketPath { get; init; }

    /// <summary>The HTTP base address requests are made against (a placeholder host for a unix socket).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>As the user wrote it, for messages.</summary>
    public required string Description { get; init; }

    /// <summary>Reads <paramref name="dockerHost"/> (the <c>DOCKER_HOST</c> value; null or empty means the default socket).</summary>
    /// <exception cref="DockerEngineException">A scheme this client does not speak (ssh://, npipe://, tcp with TLS).</exception>
    public static EngineEndpoint Parse(string? dockerHost)
    {
        if (string.IsNullOrWhiteSpace(dockerHost)) return Unix(DefaultSocket, "unix://" + DefaultSocket);
        if (dockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = dockerHost["unix://".Length..];
            if (path.Length == 0) throw new DockerEngineException($"DOCKER_HOST '{dockerHost}' names no socket path; write unix:///path/to/docker.sock", DockerEngineFailure.Unreachable);
            return Unix(path, dockerHost);
        }
        if (dockerHost.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate("http://" + dockerHost["tcp://".Length..], UriKind.Absolute, out var tcp))
            return new EngineEndpoint { BaseAddress = new Uri($"http://{tcp.Authority}/"), Description = dockerHost };
        throw new DockerEngineException(
            $"DOCKER_HOST '{dockerHost}' is not supported: generate speaks to an engine on a unix socket (unix:///var/run/docker.sock) or over plain TCP (tcp://HOST:PORT)",
            DockerEngineFailure.Unreachable);
    }

    private static EngineEndpoint Unix(string path, string description) =>
        new() { SocketPath = path, BaseAddress = new Uri("http://docker/"), Description = description };
}
