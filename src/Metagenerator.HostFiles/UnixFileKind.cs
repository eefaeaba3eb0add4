using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Metagenerator.HostFiles;

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

/// <summary>A file's identity on its host (device and inode): the same file under any name or hard link.</summary>
internal readonly record struct HostFileIdentity(ulong DeviceMajor, ulong DeviceMinor, ulong Inode);

/// <summary>Reads a file's type without following symlinks; the BCL exposes no way to tell a FIFO or socket from a regular file.</summary>
internal static partial class UnixFileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int StatxModeOffset = 28;
    private const int StatxInoOffset = 32;
    private const int StatxSizeOffset = 40;
    private const uint StatxSizeMask = 0x200;
    private const int StatxDevMajorOffset = 136;
    private const int StatxDevMinorOffset = 140;
    private const int StatxSize = 256;
    private static bool s_statxMissing;

    /// <summary>The kind of <paramref name="path"/>; <paramref name="info"/> is the fallback where statx(2) is not available.</summary>
    public static UnixFileKind Get(string path, FileSystemInfo info) => Get(path, info, out _);

    /// <summary>As <see cref="Get(string, FileSystemInfo)"/>, with the entry's identity from the same statx(2) call (null where it is not available).</summary>
    public static UnixFileKind Get(string path, FileSystemInfo info, out HostFileIdentity? identity)
    {
        identity = null;
        if (TryStatx(path, followSymlinks: false, out var buffer))
        {
            identity = IdentityOf(buffer);
            return KindOf(buffer);
        }
        if (info.LinkTarget is not null) return UnixFileKind.Symlink;
        return info is DirectoryInfo ? UnixFileKind.Directory : UnixFileKind.Regular;
    }

    private static HostFileIdentity IdentityOf(byte[] statx) =>
        new(BitConverter.ToUInt32(statx, StatxDevMajorOffset), BitConverter.ToUInt32(statx, StatxDevMinorOffset), BitConverter.ToUInt64(statx, StatxInoOffset));

    /// <summary>What an open file is (statx on the descriptor): kind, identity and size; null where statx(2) is not available.</summary>
    /// <exception cref="IOException">statx failed.</exception>
    public static (UnixFileKind Kind, HostFileIdentity Identity, long Size)? Stat(SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return TryStatx((int)handle.DangerousGetHandle(), "", AtEmptyPath, out var buffer) switch
            {
                true => (KindOf(buffer), IdentityOf(buffer), BitConverter.ToInt64(buffer, StatxSizeOffset)),
                false => throw new IOException($"cannot tell what kind of file this is: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}"),
                null => null,
            };
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>The kind of what <paramref name="path"/> finally names (symlinks followed), or null when it does not exist.</summary>
    public static UnixFileKind? GetFollowingSymlinks(string path)
    {
        if (TryStatx(path, followSymlinks: true, out var buffer)) return KindOf(buffer);
        if (!s_statxMissing && OperatingSystem.IsLinux()) return null;
        if (Directory.Exists(path)) return UnixFileKind.Directory;
        return File.Exists(path) ? UnixFileKind.Regular : null;
    }

    /// <summary>The identity of what <paramref name="path"/> names (symlinks followed when asked), or null when it cannot be read.</summary>
    public static HostFileIdentity? Identity(string path, bool followSymlinks) =>
        TryStatx(path, followSymlinks, out var buffer) ? IdentityOf(buffer) : null;

    private static bool TryStatx(string path, bool followSymlinks, out byte[] buffer) =>
        TryStatx(AtFdCwd, path, followSymlinks ? 0 : AtSymlinkNoFollow, out buffer) == true;

    /// <summary>statx(2): true when it succeeded, false when it failed (errno is the last P/Invoke error), null where it cannot be called.</summary>
    private static bool? TryStatx(int dirfd, string path, int flags, out byte[] buffer)
    {
        buffer = new byte[StatxSize];
        if (s_statxMissing || !OperatingSystem.IsLinux()) return null;
        try
        {
            return Statx(dirfd, path, flags, StatxType | StatxIno | StatxSizeMask, ref buffer[0]) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_statxMissing = true;
            return null;
        }
    }

    private static UnixFileKind KindOf(byte[] statx) => (BitConverter.ToUInt16(statx, StatxModeOffset) & 0xF000) switch
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

    /// <summary>How a file kind is named in messages.</summary>
    public static string Describe(UnixFileKind kind) => kind switch
    {
        UnixFileKind.Regular => "regular file",
        UnixFileKind.Directory => "directory",
        UnixFileKind.Symlink => "symlink",
        UnixFileKind.Fifo => "named pipe (FIFO)",
        UnixFileKind.Socket => "socket",
        UnixFileKind.CharacterDevice => "character device",
        UnixFileKind.BlockDevice => "block device",
        _ => "special file",
    };

    /// <summary>The kind of an open file (statx on the descriptor), or null where statx(2) is not available.</summary>
    public static UnixFileKind? Get(SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return TryStatx((int)handle.DangerousGetHandle(), "", AtEmptyPath, out var buffer) switch
            {
                true => KindOf(buffer),
                false => throw new IOException($"cannot tell what kind of file this is: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}"),
                null => null,
            };
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> read-only with O_NONBLOCK, so a FIFO without a writer does not block the open; null
    /// where open(2) cannot be called (not Linux). Reading a regular file ignores O_NONBLOCK.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">Any other failure, with the system's message.</exception>
    public static SafeFileHandle? OpenReadNonBlocking(string path) => OpenReadNonBlocking(path, followSymlink: true);

    /// <summary>
    /// As <see cref="OpenReadNonBlocking(string)"/>; without <paramref name="followSymlink"/> (O_NOFOLLOW) a path that is
    /// now a symlink fails with <see cref="SymlinkFoundException"/>.
    /// </summary>
    public static SafeFileHandle? OpenReadNonBlocking(string path, bool followSymlink)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var fd = Open(path, ORdOnly | ONonBlock | OCloExec | (followSymlink ? 0 : ONoFollow));
        if (fd >= 0) return new SafeFileHandle(fd, ownsHandle: true);
        var errno = Marshal.GetLastPInvokeError();
        var message = $"{path}: {Marshal.GetPInvokeErrorMessage(errno)}";
        throw errno switch
        {
            ENoEnt => new FileNotFoundException(message, path),
            EAcces or EPerm => new UnauthorizedAccessException(message),
            ELoop when !followSymlink => new SymlinkFoundException(message),
            _ => new IOException(message),
        };
    }

    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;   // 04000, the same on x86-64 and arm64
    private const int OCloExec = 0x80000;  // 02000000
    private const int AtEmptyPath = 0x1000;
    // O_NOFOLLOW differs by architecture: 0400000 on x86-64, 0100000 on arm64.
    private static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
    private const int ELoop = 40;
    private const int EPerm = 1;
    private const int ENoEnt = 2;
    private const int EAcces = 13;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte statxBuffer);
}

/// <summary>open(2) with O_NOFOLLOW found a symlink where a file was expected.</summary>
internal sealed class SymlinkFoundException(string message) : IOException(message);
