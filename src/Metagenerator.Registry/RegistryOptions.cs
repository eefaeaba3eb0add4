using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>How to reach registries: TLS and plain-HTTP exceptions (kaniko's flag names), retries and credentials.</summary>
public sealed record RegistryOptions
{
    /// <summary><c>--skip-tls-verify</c>: do not verify any registry's TLS certificate.</summary>
    public bool SkipTlsVerify { get; init; }

    /// <summary><c>--skip-tls-verify-registry HOST</c>: hosts (host or host:port) whose TLS certificate is not verified.</summary>
    public IReadOnlySet<string> SkipTlsVerifyRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>--insecure</c>: talk plain HTTP to every registry.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>--insecure-registry HOST</c>: hosts (host or host:port) spoken to over plain HTTP.</summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>--registry-certificate HOST=PATH</c>: extra CA certificates (PEM) trusted for a host, on top of the system's.</summary>
    /// <remarks>TLS validation sees the host name only, so an entry written <c>host:port</c> applies to every port of that host.</remarks>
    public IReadOnlyDictionary<string, string> RegistryCertificates { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <c>--push-retry N</c>: how many times a transient failure (5xx, 408, 429, reset connection, timeout) is retried,
    /// with exponential backoff. Applies to every registry request. Default 0, as in kaniko, so a failure shows at once.
    /// </summary>
    public int PushRetry { get; init; }

    /// <summary>The first backoff delay; each further retry doubles it (capped at <see cref="MaxBackoff"/>). A 429's Retry-After wins when longer (capped at <see cref="MaxRetryAfter"/>).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest exponential backoff between two attempts.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The longest a registry's Retry-After is obeyed; a longer one is cut to this.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one request without a body stream (HEAD, GET of a manifest, token requests).</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>The default of <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long a body transfer (an upload or a download) may go without a byte moving before it is abandoned.</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary>The default of <see cref="IdleTimeout"/>: a minute without a byte.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>After this long without an answer, the client's <see cref="IEvents.Waiting"/> is told what is being waited for.</summary>
    public TimeSpan WaitNoticeAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where credentials come from; anonymous when not set.</summary>
    public ICredentialProvider Credentials { get; init; } = AnonymousCredentials.Instance;

    /// <summary>The User-Agent sent with every request.</summary>
    public string UserAgent { get; init; } = "metagenerator";

    /// <summary>
    /// The handler that sends requests, beneath deadlines, retries and authentication (as ggcr's <c>remote.WithTransport</c>);
    /// null for sockets under the TLS options above. The client does not dispose it. Tests give an in-process registry.
    /// </summary>
    public HttpMessageHandler? Transport { get; init; }

    /// <summary>How many blobs are pushed at the same time.</summary>
    public int MaxParallelBlobs { get; init; } = 4;

    /// <summary>True when <paramref name="registry"/> is spoken to over plain HTTP.</summary>
    public bool IsPlainHttp(string registry) => Insecure || InsecureRegistries.Contains(registry) || InsecureRegistries.Contains(HostOnly(registry));

    /// <summary>The host part of <c>host[:port]</c> (brackets of IPv6 literals removed).</summary>
    internal static string HostOnly(string registry)
    {
        if (registry.StartsWith('['))
        {
            var close = registry.IndexOf(']');
            return close > 0 ? registry[1..close] : registry;
        }
        var colon = registry.LastIndexOf(':');
        return colon > 0 ? registry[..colon] : registry;
    }
}
