using System.Runtime.InteropServices;
using System.Text;

namespace Metagenerator.Registry;

/// <summary>
/// Reads the Docker config file: only a regular file (symlinks followed), and at most <see cref="MaxBytes"/>, counted
/// while reading. A device would be read without end and a FIFO would block the build forever.
/// </summary>
internal static class ConfigFileReader
{
    /// <summary>The largest config file read; real ones are a few KiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static byte[] Read(string path)
    {
        if (KindOf(path) is { } kind)
            throw new CredentialConfigException($"{path}: the Docker config file is a {kind}, not a regular file", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var buffer = new MemoryStream();
        var chunk = new byte[65536];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1L - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes)
                throw new CredentialConfigException($"{path}: the Docker config file is larger than {MaxBytes / 1024 / 1024} MiB; a real one is a few KiB", path);
        }
        return buffer.ToArray();
    }

    /// <summary>What <paramref name="path"/> is when it is not a regular file (after symlinks), or null.</summary>
    /// <remarks>The BCL cannot tell a FIFO or a device from a file, so this asks statx(2) on Linux.</remarks>
    private static string? KindOf(string path)
    {
        if (Directory.Exists(path)) return "directory";
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[256];
        var name = Encoding.UTF8.GetBytes(path + "\0");
        try
        {
            if (Statx(AtFdCwd, name, 0, StatxType, buffer) != 0) return null; // the open below reports what is wrong
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        return (BitConverter.ToUInt16(buffer, StatxModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x1000 => "FIFO (named pipe)",
            0xC000 => "socket",
            0x2000 => "character device",
            0x6000 => "block device",
            0x4000 => "directory",
            _ => "special file",
        };
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, byte[] path, int flags, uint mask, byte[] statxBuffer);
}
