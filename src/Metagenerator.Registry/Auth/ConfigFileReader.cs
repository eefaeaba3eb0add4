using Metagenerator.Oci;

namespace Metagenerator.Registry.Auth;

/// <summary>
/// Reads the Docker config file through <see cref="SmallInputFile"/>: only a regular file (symlinks followed), and at
/// most <see cref="MaxBytes"/>, counted while reading. A device would be read without end and a FIFO would block forever.
/// </summary>
internal static class ConfigFileReader
{
    /// <summary>The largest config file read; real ones are a few KiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static byte[] Read(string path)
    {
        if (SmallInputFile.Problem(path) is { } problem && problem != "does not exist")
            throw new CredentialConfigException($"{path}: the Docker config file {problem}", path);
        if (!SmallInputFile.TryReadAtMost(path, MaxBytes, out var bytes))
            throw new CredentialConfigException($"{path}: the Docker config file is larger than {MaxBytes / 1024 / 1024} MiB; a real one is a few KiB", path);
        return bytes;
    }
}
