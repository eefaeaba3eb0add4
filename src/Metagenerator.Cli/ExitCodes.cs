namespace Metagenerator.Cli;

/// <summary>The process exit codes, as documented in the README.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug): the message says so.</summary>
    public const int Unexpected = 1;

    /// <summary>Invalid input: manifest, model source, flags, local files.</summary>
    public const int InvalidInput = 2;

    /// <summary>A registry, network, TLS or authentication failure.</summary>
    public const int RegistryFailure = 3;

    /// <summary><c>inspect --manifest</c>: the image's labels differ from the local manifest's.</summary>
    public const int LabelsDiffer = 4;

    /// <summary><c>generate</c>: the generator container ended with an error (the Model API's task reads <c>failed</c>).</summary>
    public const int GeneratorFailed = 5;

    /// <summary><c>generate</c>: the generator ended well, but the Model API would not report the task finished (no model image, another CREATED, no time zone).</summary>
    public const int NotFinished = 6;

    /// <summary><c>generate</c>: no Docker engine, its socket not permitted, or the engine refused a request.</summary>
    public const int EngineFailure = 7;

    /// <summary><c>generate</c>: the generator ran past <c>--timeout</c> and was stopped (124, as <c>timeout(1)</c>).</summary>
    public const int GeneratorTimedOut = 124;

    /// <summary>Stopped by SIGINT (Ctrl-C): 128 + 2.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;
}
