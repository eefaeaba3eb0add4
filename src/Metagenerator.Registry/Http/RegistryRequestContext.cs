namespace Metagenerator.Registry.Http;

/// <summary>What a request is for: the auth handler picks scopes and credentials from it, errors name its operation.</summary>
internal sealed record RegistryRequestContext(string Operation, string Preposition, string Registry, string? Repository, IReadOnlyList<string> Scopes)
{
    public static readonly HttpRequestOptionsKey<RegistryRequestContext> Key = new("metagenerator.registry");

    /// <summary>The registry's own origin (scheme, host, port): its credentials go there and to the token server it names, nowhere else.</summary>
    public required Uri Origin { get; init; }

    /// <summary>How long a body may go without a byte arriving.</summary>
    public TimeSpan IdleTimeout { get; init; } = RegistryOptions.DefaultIdleTimeout;

    /// <summary>How long the registry (or its token server) may take to answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = RegistryOptions.DefaultRequestTimeout;

    /// <summary>True for the requests of an upload session: the blob uploader retries them, by restarting the upload; nothing below it does.</summary>
    public bool RetriedByUploader { get; init; }

    /// <summary>E.g. <c>pushing blob sha256:ab12… to localhost:5000/foo</c>.</summary>
    public string Describe() => Repository is null ? $"{Operation} {Preposition} {Registry}" : $"{Operation} {Preposition} {Registry}/{Repository}";

    /// <summary>True when <paramref name="uri"/> is on the registry's own origin.</summary>
    public bool IsOwnOrigin(Uri uri) =>
        string.Equals(uri.Scheme, Origin.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, Origin.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == Origin.Port;

    /// <summary>A body that can be sent again as it is (none, or bytes in memory); a streamed upload cannot.</summary>
    public static bool IsReplayable(HttpContent? content) => content is null or ByteArrayContent;

    public static IReadOnlyList<string> Pull(string repository) => [$"repository:{repository}:pull"];

    public static IReadOnlyList<string> Push(string repository) => [$"repository:{repository}:pull,push"];
}
