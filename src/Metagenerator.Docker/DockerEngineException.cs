using Metagenerator.Oci;

namespace Metagenerator.Docker;

/// <summary>What kind of engine failure happened; the CLI turns each into its exit code.</summary>
public enum DockerEngineFailure
{
    /// <summary>No engine answers at the endpoint.</summary>
    Unreachable,

    /// <summary>The socket exists but this user may not connect to it.</summary>
    PermissionDenied,

    /// <summary>The engine answered with an error.</summary>
    Refused,

    /// <summary>The engine could not pull: the registry refused the credentials.</summary>
    PullUnauthorized,

    /// <summary>The engine could not pull: the image is not in the registry.</summary>
    PullNotFound,
}

/// <summary>The Docker engine is unreachable or refused a request. The message is user-facing and holds no secret.</summary>
public sealed class DockerEngineException(string message, DockerEngineFailure failure, Exception? innerException = null)
    : MetageneratorException(message, failure is DockerEngineFailure.PullUnauthorized or DockerEngineFailure.PullNotFound ? ErrorCategory.Registry : ErrorCategory.InvalidInput,
        innerException: innerException)
{
    /// <summary>What kind of failure.</summary>
    public DockerEngineFailure Failure { get; } = failure;
}
