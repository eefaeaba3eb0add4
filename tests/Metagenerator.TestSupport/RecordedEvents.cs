using System.Collections.Concurrent;
using Metagenerator.Oci;

namespace Metagenerator.TestSupport;

/// <summary>An <see cref="IEvents"/> that keeps everything it is told, in order, per kind (safe from several threads).</summary>
public sealed class RecordedEvents : IEvents
{
    private readonly ConcurrentQueue<TransferEvent> _transfers = new();
    private readonly ConcurrentQueue<string> _info = new();
    private readonly ConcurrentQueue<string> _debug = new();
    private readonly ConcurrentQueue<string> _waiting = new();
    private readonly ConcurrentQueue<string> _requests = new();

    public IReadOnlyList<TransferEvent> Transfers => [.. _transfers];
    public IReadOnlyList<string> Infos => [.. _info];
    public IReadOnlyList<string> Debugs => [.. _debug];
    public IReadOnlyList<string> Waits => [.. _waiting];
    public IReadOnlyList<string> Requests => [.. _requests];

    public void Transfer(TransferEvent transfer) => _transfers.Enqueue(transfer);
    public void Info(string message) => _info.Enqueue(message);
    public void Debug(string message) => _debug.Enqueue(message);
    public void Waiting(string notice) => _waiting.Enqueue(notice);
    public void Request(string line) => _requests.Enqueue(line);
}
