namespace Metagenerator.HostFiles;

/// <summary>
/// A file the user named as an output. A regular file (or a name that does not exist yet) is written to a temporary
/// file beside it and renamed over it on <see cref="CommitAsync"/>, so a failed write never leaves half a file; a
/// symlink is written through (the file it finally points to is replaced, the link stays). A named pipe, and standard
/// output named as <c>/dev/stdout</c> (for piping into <c>docker load</c>), are written to directly. Other special
/// files (devices, sockets) are refused: they are never written to and never replaced.
/// </summary>
public sealed class OutputFile : IAsyncDisposable
{
    private static readonly string[] StandardOutputNames = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];

    private readonly string? _temporaryPath;
    private readonly string _targetPath;
    private bool _committed;

    private readonly IDisposable? _registration;

    private OutputFile(Stream stream, string targetPath, string? temporaryPath)
    {
        Stream = stream;
        _targetPath = targetPath;
        _temporaryPath = temporaryPath;
        // A forced exit removes the half-written temporary file too.
        _registration = temporaryPath is null ? null : ScratchFiles.Register(temporaryPath);
    }

    /// <summary>Where the bytes go.</summary>
    public Stream Stream { get; }

    /// <summary>True when <paramref name="path"/> names this process's standard output, so nothing else may be printed there.</summary>
    public static bool IsStandardOutput(string path) => StandardOutputNames.Contains(Path.GetFullPath(path), StringComparer.Ordinal);

    /// <summary>Fails now, before any work, when <see cref="Open"/> would refuse <paramref name="path"/>.</summary>
    /// <exception cref="InvalidInputException">The path is a directory, a device, a socket, or the terminal.</exception>
    public static void Check(string path) => _ = Classify(path);

    /// <summary>Opens <paramref name="path"/> for writing as the class describes.</summary>
    /// <exception cref="InvalidInputException">The path is a directory, a device, a socket, or the terminal.</exception>
    public static OutputFile Open(string path)
    {
        var full = Path.GetFullPath(path);
        switch (Classify(path))
        {
            case null or UnixFileKind.Regular:
                // A symlink is written through: the file it finally names is replaced, the link stays.
                var target = new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
                var directory = Path.GetDirectoryName(target)!;
                Directory.CreateDirectory(directory);
                var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
                var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
                return new OutputFile(stream, target, temporary);
            default:
                return new OutputFile(OpenExisting(full), full, null);
        }
    }

    /// <summary>What <paramref name="path"/> finally names: null or <see cref="UnixFileKind.Regular"/> (replace it) or <see cref="UnixFileKind.Fifo"/> (write into it).</summary>
    private static UnixFileKind? Classify(string path)
    {
        var full = Path.GetFullPath(path);
        var kind = UnixFileKinds.GetFollowingSymlinks(full);
        if (IsStandardOutput(full))
        {
            // Whatever standard output is (a pipe, a file, /dev/null) is written through, except a terminal.
            if (!Console.IsOutputRedirected)
                throw new InvalidInputException($"{path} is the terminal; redirect standard output to a file or a pipe (for example into docker load)");
            return UnixFileKind.Fifo;
        }
        return kind switch
        {
            null or UnixFileKind.Regular or UnixFileKind.Fifo => kind,
            _ => throw new InvalidInputException($"{path} is a {UnixFileKinds.Describe(kind.Value)}; an output can be a regular file (it is replaced), a named pipe, or /dev/stdout, and a special file is never replaced"),
        };
    }

    /// <summary>Flushes the bytes and, for a regular file, moves them into place.</summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        await Stream.FlushAsync(ct).ConfigureAwait(false);
        await Stream.DisposeAsync().ConfigureAwait(false);
        if (_temporaryPath is not null) File.Move(_temporaryPath, _targetPath, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the stream; an uncommitted temporary file is deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        if (!_committed && _temporaryPath is not null && File.Exists(_temporaryPath)) File.Delete(_temporaryPath);
        _registration?.Dispose();
    }

    private static FileStream OpenExisting(string path) => new(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 20);
}
