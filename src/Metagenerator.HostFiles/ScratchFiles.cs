namespace Metagenerator.HostFiles;

/// <summary>
/// The scratch directories and temporary files in use, so a process that must exit at once (a signal, then a command
/// blocked where cancellation cannot reach, such as opening a FIFO nobody reads) can still remove them before it says so.
/// </summary>
public static class ScratchFiles
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Paths = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="path"/> (a file, or a directory removed with its contents) until the result is disposed.</summary>
    public static IDisposable Register(string path)
    {
        lock (Gate) Paths.Add(path);
        return new Registration(path);
    }

    /// <summary>Removes every registered path; returns those that could not be removed (empty when all are gone).</summary>
    public static IReadOnlyList<string> RemoveAll()
    {
        string[] paths;
        lock (Gate) paths = [.. Paths];
        var left = new List<string>();
        foreach (var path in paths)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else if (File.Exists(path)) File.Delete(path);
                lock (Gate) Paths.Remove(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Its owner may have removed it meanwhile.
                if (Directory.Exists(path) || File.Exists(path)) left.Add(path);
            }
        }
        return left;
    }

    private sealed class Registration(string path) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate) Paths.Remove(path);
        }
    }
}
