using System.Diagnostics.CodeAnalysis;

namespace Metagenerator.HostFiles;

/// <summary>
/// Reads a small input file (a manifest, a credentials file, an ignore file) that a user names: only a regular file
/// (symbolic links followed), and never more than a cap, whatever length the file reports.
/// </summary>
/// <remarks>
/// A character device such as <c>/dev/zero</c> reports length 0 and never ends, and opening a FIFO blocks until a
/// writer appears; so the kind is checked before the file is opened (for the message), the file is opened without
/// blocking and its kind checked again on the open descriptor (the path may have been swapped in between), and the
/// cap is enforced while reading.
/// </remarks>
public static class SmallInputFile
{
    /// <summary>Why <paramref name="path"/> is not a readable regular file ("is a directory", "is a character device, not a regular file"…), or null when it is one.</summary>
    /// <remarks>A path that does not exist gives "does not exist".</remarks>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileSystemInfo entry = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!entry.Exists) return "does not exist";
        var target = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(returnFinalTarget: true) ?? entry;
        if (!target.Exists) return "is a symbolic link to nothing";
        return UnixFileKinds.Get(target.FullName, target) switch
        {
            UnixFileKind.Regular => null,
            UnixFileKind.Directory => "is a directory",
            UnixFileKind.Fifo => "is a named pipe (FIFO), not a regular file",
            UnixFileKind.Socket => "is a socket, not a regular file",
            UnixFileKind.CharacterDevice => "is a character device, not a regular file",
            UnixFileKind.BlockDevice => "is a block device, not a regular file",
            _ => "is not a regular file",
        };
    }

    /// <summary>
    /// Reads the whole file when it holds at most <paramref name="maxBytes"/> bytes; false when it holds more (reading
    /// stops there). <see cref="Problem"/> gives the better message for a path that is not a regular file; this checks
    /// again on the file it opened, so a path swapped for a FIFO or a device after that check is refused too.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read, or is not a regular file ("is a named pipe (FIFO), not a regular file").</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static bool TryReadAtMost(string path, int maxBytes, [NotNullWhen(true)] out byte[]? bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        bytes = null;
        using var stream = OpenRegularFile(path);
        var buffer = new byte[(int)Math.Min(maxBytes + 1L, 64 * 1024)];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length > maxBytes) return false;
                Array.Resize(ref buffer, (int)Math.Min(Math.Min((long)buffer.Length * 2, maxBytes + 1L), Array.MaxLength));
            }
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) break;
            filled += read;
        }
        bytes = buffer.AsSpan(0, filled).ToArray();
        return true;
    }

    /// <summary>
    /// Opens <paramref name="path"/> without blocking (a FIFO would wait for a writer) and checks the kind of what was
    /// opened, not of what the path named a moment before. For a large input read as a stream (a layer blob of an
    /// <c>oci:</c> layout), whose reader bounds it by its expected size.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened, or is not a regular file ("is a named pipe (FIFO), not a regular file").</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static FileStream OpenRegularFile(string path)
    {
        var handle = UnixFileKinds.OpenReadNonBlocking(path);
        if (handle is null)
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        try
        {
            var kind = UnixFileKinds.Get(handle);
            if (kind is not (UnixFileKind.Regular or null))
                throw new IOException($"{path} is a {UnixFileKinds.Describe(kind.Value)}, not a regular file");
            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
