using System.Diagnostics;
using Metagenerator.Oci;

namespace Metagenerator.Registry.Http;

/// <summary>
/// Bounds one attempt of a request: cancels it when a streamed body stops moving for <see cref="RegistryOptions.IdleTimeout"/>
/// or the answer takes longer than <see cref="RegistryOptions.RequestTimeout"/> once everything is sent, and tells
/// <see cref="IEvents.Waiting"/> what is being waited for while the answer is late.
/// </summary>
internal sealed class RequestDeadline : IDisposable
{
    /// <summary>Set on a request the registry took whole and did not answer within <see cref="RegistryOptions.RequestTimeout"/>, every retry included.</summary>
    public static readonly HttpRequestOptionsKey<bool> Unanswered = new("metagenerator.unanswered");

    private readonly CancellationTokenSource _cts;
    private readonly RegistryOptions _options;
    private readonly IEvents _events;
    private readonly string _authority;
    private readonly string _operation;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private ITimer? _notice;
    private bool _disposed;

    public RequestDeadline(RegistryOptions options, IEvents events, string authority, string operation, bool streamedBody, CancellationToken ct)
    {
        _options = options;
        _events = events;
        _authority = authority;
        _operation = operation;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (streamedBody) BodyMoved();
        else BodySent();
    }

    /// <summary>Cancelled when the deadline passes (or the caller cancels).</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>What ran out, for the error message: <c>the registry did not answer within 120 s</c>.</summary>
    public string Reason { get; private set; } = "";

    /// <summary>True once the whole body is sent: a deadline passing now means the registry did not answer.</summary>
    public bool AwaitingAnswer { get; private set; }

    /// <summary>Bytes of the body moved: the idle clock starts again.</summary>
    public void BodyMoved() => Arm(_options.IdleTimeout, $"no bytes moved for {Seconds(_options.IdleTimeout)}");

    /// <summary>The whole body is sent (or there is none): now the answer is awaited.</summary>
    public void BodySent()
    {
        Arm(_options.RequestTimeout, $"the registry did not answer within {Seconds(_options.RequestTimeout)}");
        AwaitingAnswer = true;
        lock (_lock)
        {
            // Nobody listening: no timer to arm.
            if (_disposed || _notice is not null || ReferenceEquals(_events, IEvents.None)) return;
            _notice = TimeProvider.System.CreateTimer(_ => Announce(), null, _options.WaitNoticeAfter, _options.WaitNoticeAfter);
        }
    }

    private void Arm(TimeSpan after, string reason)
    {
        lock (_lock)
        {
            if (_disposed) return;
            Reason = reason;
            _cts.CancelAfter(after);
        }
    }

    private void Announce() =>
        _events.Waiting($"waiting for {_authority}: {_operation} ({Stopwatch.GetElapsedTime(_started).TotalSeconds:0} s so far)");

    internal static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.#} s";

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _notice?.Dispose();
        }
        _cts.Dispose();
    }
}
