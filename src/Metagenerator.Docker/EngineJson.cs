using System.Text.Json.Serialization;

namespace Metagenerator.Docker;

/// <summary>POST /containers/create: only what the Model API's Docker SDK call sets (no Cmd, no privileges).</summary>
internal sealed record ContainerCreateBody
{
    public required string Image { get; init; }
    public required IReadOnlyList<string> Env { get; init; }
    public bool AttachStdout { get; init; } = true;
    public bool AttachStderr { get; init; } = true;
    public bool Tty { get; init; }
    public required ContainerHostConfig HostConfig { get; init; }
}

internal sealed record ContainerHostConfig
{
    public required IReadOnlyList<string> Binds { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NetworkMode { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? SecurityOpt { get; init; }
}

internal sealed record ContainerCreateResponse(string Id, IReadOnlyList<string>? Warnings);

internal sealed record ContainerWaitResponse(long StatusCode, ContainerWaitError? Error);

internal sealed record ContainerWaitError(string? Message);

internal sealed record EngineErrorBody([property: JsonPropertyName("message")] string? Message);

internal sealed record EngineVersion(string? Version, string? ApiVersion, string? Os, string? Arch);

/// <summary>One line of a pull or load progress stream; an error can arrive after a 200 status.</summary>
internal sealed record ProgressLine(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("stream")] string? Stream,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("errorDetail")] ProgressError? ErrorDetail);

internal sealed record ProgressError([property: JsonPropertyName("message")] string? Message);

/// <summary>The X-Registry-Auth header's JSON (docker's AuthConfig), base64url-encoded on the wire.</summary>
public sealed record RegistryAuth
{
    /// <summary>User name.</summary>
    [JsonPropertyName("username"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Username { get; init; }

    /// <summary>Password.</summary>
    [JsonPropertyName("password"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Password { get; init; }

    /// <summary>An identity (refresh) token, used instead of a password.</summary>
    [JsonPropertyName("identitytoken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IdentityToken { get; init; }

    /// <summary>A bearer token sent to the registry as is.</summary>
    [JsonPropertyName("registrytoken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RegistryToken { get; init; }

    /// <summary>The registry host.</summary>
    [JsonPropertyName("serveraddress")]
    public required string ServerAddress { get; init; }

    /// <summary>Never the values.</summary>
    public override string ToString() => $"registry auth for {ServerAddress} (redacted)";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ContainerCreateBody))]
[JsonSerializable(typeof(ContainerCreateResponse))]
[JsonSerializable(typeof(ContainerWaitResponse))]
[JsonSerializable(typeof(EngineErrorBody))]
[JsonSerializable(typeof(EngineVersion))]
[JsonSerializable(typeof(ProgressLine))]
[JsonSerializable(typeof(RegistryAuth))]
internal sealed partial class EngineJsonContext : JsonSerializerContext
{
}
