using System.Runtime.InteropServices;

namespace Metagenerator.HostFiles;

/// <summary>Where a host file really is, once every symlink on its path is resolved.</summary>
public static partial class HostPath
{
    /// <summary>
    /// The path of <paramref name="file"/> relative to <paramref name="directory"/> (slash-separated) when the file lies
    /// inside it once symlinks are resolved, else null (also when either does not exist).
    /// </summary>
    public static string? RelativeInside(string directory, string file)
    {
        if (Resolve(directory) is not { } dir || Resolve(file) is not { } real) return null;
        var relative = Path.GetRelativePath(dir, real);
        if (relative == "." || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative)) return null;
        return relative;
    }

    /// <summary>realpath(3): the absolute path with every symlink, <c>.</c> and <c>..</c> resolved, or null when it does not exist.</summary>
    public static string? Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return File.Exists(full) || Directory.Exists(full) ? full : null;
        var resolved = RealPath(full, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr RealPath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);
}
