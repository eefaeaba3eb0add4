namespace Metagenerator.TestSupport;

/// <summary>A lock shared by test processes (two test runs may work on the same cache at once): a lock file held open
/// without sharing.</summary>
public static class CrossProcessLock
{
    /// <summary>Waits until <paramref name="path"/> can be opened alone (trying every <paramref name="poll"/>), for at most
    /// <paramref name="timeout"/>; disposing the stream releases the lock.</summary>
    public static async Task<FileStream> AcquireAsync(string path, TimeSpan timeout, TimeSpan poll, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { await Task.Delay(poll, ct); }
        }
    }
}
