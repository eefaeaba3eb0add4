using System.Runtime.InteropServices;

namespace Metagenerator.Oci;

/// <summary>The type of a directory entry, as lstat reports it.</summary>
internal enum UnixFileKind
{
    Regular,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
    Unknown,
}

/// <summary>Reads a file's type without following symlinks; the BCL exposes no way to tell a FIFO or socket from a regular file.</summary>
internal static partial class UnixFileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private static bool s_statxMissing;

    /// <summary>The kind of <paramref name="path"/>; <paramref name="info"/> is the fallback where statx(2) is not available.</summary>
    public static UnixFileKind Get(string path, FileSystemInfo info)
    {
        if (!s_statxMissing && OperatingSystem.IsLinux())
        {
            try
            {
                var buffer = new byte[StatxSize];
                if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, ref buffer[0]) == 0)
                {
                    var mode = BitConverter.ToUInt16(buffer, StatxModeOffset);
                    return (mode & 0xF000) switch
                    {
                        0x8000 => UnixFileKind.Regular,
                        0x4000 => UnixFileKind.Directory,
                        0xA000 => UnixFileKind.Symlink,
                        0x1000 => UnixFileKind.Fifo,
                        0xC000 => UnixFileKind.Socket,
                        0x2000 => UnixFileKind.CharacterDevice,
                        0x6000 => UnixFileKind.BlockDevice,
                        _ => UnixFileKind.Unknown,
                    };
                }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                s_statxMissing = true;
            }
        }
        if (info.LinkTarget is not null) return UnixFileKind.Symlink;
        return info is DirectoryInfo ? UnixFileKind.Directory : UnixFileKind.Regular;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte statxBuffer);
}
