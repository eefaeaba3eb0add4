using System.Net;

namespace Metagenerator.Registry.Errors;

/// <summary>A registry request failed: which operation, against which registry and repository, and what the registry said.</summary>
/// <remarks>Messages never contain credentials or tokens; error bodies are read up to 64 KiB.</remarks>
public class RegistryException : MetageneratorException
{
    /// <summary>Creates an exception; <paramref name="message"/> is the complete, user-facing text.</summary>
    public RegistryException(
        string message,
        string operation,
        string registry,
        string? repository,
        HttpStatusCode? statusCode = null,
        IReadOnlyList<RegistryError>? errors = null,
        bool isTransient = false,
        Exception? innerException = null,
        Remedy? remedy = null)
        : base(message, ErrorCategory.Registry, remedy, innerException)
    {
        Operation = operation;
        Registry = registry;
        Repository = repository;
        StatusCode = statusCode;
        Errors = errors ?? [];
        IsTransient = isTransient;
    }

    /// <summary>What was being done, e.g. <c>pushing blob sha256:ab12…</c>.</summary>
    public string Operation { get; }

    /// <summary>The registry host (with port).</summary>
    public string Registry { get; }

    /// <summary>The repository, when the operation had one.</summary>
    public string? Repository { get; }

    /// <summary>The HTTP status, when the registry answered at all.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The errors the registry listed in its response body.</summary>
    public IReadOnlyList<RegistryError> Errors { get; }

    /// <summary>True when trying again may succeed (5xx, 408, 429, reset connections, timeouts).</summary>
    public bool IsTransient { get; }

    /// <summary>True when the registry's error body lists <paramref name="code"/>.</summary>
    public bool HasError(RegistryErrorCode code) => Errors.Any(e => e.ErrorCode == code);

    /// <summary>How long the registry asked us to wait (a 429's Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; internal set; }
}
