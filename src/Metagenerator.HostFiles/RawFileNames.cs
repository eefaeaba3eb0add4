using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Metagenerator.HostFiles;

/// <summary>
/// File names and symlink targets as the bytes the kernel holds. .NET decodes them as UTF-8 and turns
/// invalid bytes into U+FFFD, after which the file cannot be opened by that name; these calls let the
/// layer builder notice that and name the file as it really is.
/// </summary>
internal static partial class RawFileNames
{
    /// <summary>The longest path the kernel accepts, in bytes, without the terminating NUL (PATH_MAX − 1).</summary>
    public const int MaxPathBytes = 4095;

    private const int DirentNameOffset = 19; // d_ino, d_off (8 bytes each), d_reclen (2), d_type (1): glibc and musl on 64-bit Linux

    /// <summary>The names in <paramref name="directory"/> that are not valid UTF-8, as raw bytes.</summary>
    public static IReadOnlyList<byte[]> NonUtf8Names(string directory)
    {
        var names = new List<byte[]>();
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8) return names;
        var dir = OpenDir(directory);
        if (dir == IntPtr.Zero) return names;
        try
        {
            IntPtr entry;
            while ((entry = ReadDir(dir)) != IntPtr.Zero)
            {
                var name = ReadCString(entry + DirentNameOffset);
                if (!IsValidUtf8(name)) names.Add(name);
            }
        }
        finally
        {
            _ = CloseDir(dir);
        }
        return names;
    }

    /// <summary>The target of the symlink at <paramref name="path"/> as raw bytes, or null when it cannot be read.</summary>
    public static byte[]? ReadLink(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[MaxPathBytes + 1];
        var n = ReadLinkNative(path, buffer, buffer.Length);
        return n < 0 ? null : buffer[..(int)n];
    }

    /// <summary>True when <paramref name="bytes"/> decode as UTF-8 without replacement.</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => Utf8.IsValid(bytes);

    /// <summary>
    /// A name for messages, escaped as GNU tar lists names: valid UTF-8 as it is, a backslash doubled, every other byte
    /// (and control characters) as a three-digit octal escape such as <c>\351</c>.
    /// </summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == System.Buffers.OperationStatus.Done && !Rune.IsControl(rune))
                sb.Append(rune.Value == '\\' ? "\\\\" : rune.ToString());
            else
                for (var i = 0; i < consumed; i++) sb.Append('\\').Append(Convert.ToString(bytes[i], 8).PadLeft(3, '0'));
            bytes = bytes[consumed..];
        }
        return sb.ToString();
    }

    private static byte[] ReadCString(IntPtr p)
    {
        var length = 0;
        while (Marshal.ReadByte(p, length) != 0) length++;
        var bytes = new byte[length];
        Marshal.Copy(p, bytes, 0, length);
        return bytes;
    }

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr OpenDir(string name);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial IntPtr ReadDir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint ReadLinkNative(string path, [Out] byte[] buffer, nint size);
}
