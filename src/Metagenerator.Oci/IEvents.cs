namespace Metagenerator.Oci;

/// <summary>
/// Where a build, a push or a registry read tells what it is doing: blob transfers, steps, details, waits and requests.
/// The one channel for progress and logging; the CLI's console reporter decides what is shown at which verbosity.
/// </summary>
/// <remarks>May be called from several threads at once. Messages never hold a credential; implementations that print
/// them still pass them through their redaction (they quote registries' own error messages).</remarks>
public interface IEvents
{
    /// <summary>Nothing is reported: for callers that do not listen.</summary>
    public static readonly IEvents None = new NoEvents();

    /// <summary>A step of one blob's transfer to a sink (present, mounted, bytes sent, stored).</summary>
    void Transfer(TransferEvent transfer);

    /// <summary>A step of the work, shown by default (<c>base image: …</c>, <c>wrote OCI layout …</c>).</summary>
    void Info(string message);

    /// <summary>A detail: why something was not done the usual way (nothing to reuse, layers not streamed).</summary>
    void Debug(string message);

    /// <summary>What a registry that is late to answer is being waited for (<c>waiting for HOST: … (10 s so far)</c>).</summary>
    void Waiting(string notice);

    /// <summary>One line per registry request: method, host, path, status and time; never headers, queries or bodies.</summary>
    void Request(string line);

    private sealed class NoEvents : IEvents
    {
        public void Transfer(TransferEvent transfer) { }
        public void Info(string message) { }
        public void Debug(string message) { }
        public void Waiting(string notice) { }
        public void Request(string line) { }
    }
}
