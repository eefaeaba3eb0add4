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

    /// <summary>Stopped by SIGINT (Ctrl-C): 128 + 2.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;
}
