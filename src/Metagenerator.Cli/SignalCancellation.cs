using System.Runtime.InteropServices;
using Metagenerator.Oci;

namespace Metagenerator.Cli;

/// <summary>
/// Turns the first SIGINT or SIGTERM into cancellation of the running command, so it stops in an orderly way (scratch
/// files removed) and exits with the conventional code. A second signal, or a command that does not stop within
/// <see cref="GracePeriod"/> (blocked in a read the token cannot reach), ends the process at once.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    /// <summary>How long a cancelled command may take to stop before the process exits anyway.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenSource _stopped = new(); // cancelled when the command has returned: no forced exit then
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Lock _gate = new();
    private PosixSignal? _signal;

    public SignalCancellation(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal (or by the caller's token).</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The signal received, if any.</summary>
    public PosixSignal? Signal
    {
        get { lock (_gate) return _signal; }
    }

    private void Handle(PosixSignalContext context)
    {
        lock (_gate)
        {
            if (_signal is not null) return; // the second signal: the default action ends the process
            _signal = context.Signal;
        }
        context.Cancel = true;
        _ = ExitAfterGracePeriodAsync(context.Signal, _stopped.Token);
        _cts.Cancel();
    }

    private static async Task ExitAfterGracePeriodAsync(PosixSignal signal, CancellationToken stopped)
    {
        try
        {
            await Task.Delay(GracePeriod, stopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var (code, message) = ErrorReporting.Interrupted(signal);
        // Environment.Exit runs no finally blocks: remove the scratch files here, and say so only if they are gone.
        var left = ScratchFiles.RemoveAll();
        if (left.Count > 0) message = message.Replace("scratch files removed", $"scratch files left: {string.Join(", ", left)}", StringComparison.Ordinal);
        Console.Error.WriteLine($"{message} (it did not stop within {GracePeriod.TotalSeconds:0} s)");
        Environment.Exit(code);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stopped.Cancel();
        _stopped.Dispose();
        _cts.Dispose();
    }
}
