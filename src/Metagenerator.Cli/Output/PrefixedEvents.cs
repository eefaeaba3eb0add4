using Metagenerator.Oci;

namespace Metagenerator.Cli.Output;

/// <summary>Passes events on to <paramref name="inner"/> with <paramref name="prefix"/> before every line (<c>generate: </c>), so a
/// library's steps read as the command's own; transfers pass unchanged.</summary>
public sealed class PrefixedEvents(IEvents inner, string prefix) : IEvents
{
    public void Transfer(TransferEvent transfer) => inner.Transfer(transfer);
    public void Info(string message) => inner.Info(prefix + message);
    public void Debug(string message) => inner.Debug(prefix + message);
    public void Waiting(string notice) => inner.Waiting(prefix + notice);
    public void Request(string line) => inner.Request(prefix + line);
}
