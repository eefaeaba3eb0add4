namespace Metagenerator.Registry.Http;

/// <summary>Connects a streamed upload body to the <see cref="RequestDeadline"/> of the attempt sending it.</summary>
internal sealed class TransferWatch(long length)
{
    public static readonly HttpRequestOptionsKey<TransferWatch> Key = new("metagenerator.transfer");

    private RequestDeadline? _deadline;

    public void Attach(RequestDeadline deadline) => _deadline = deadline;

    /// <summary>The body has been read up to <paramref name="position"/>.</summary>
    public void Moved(long position)
    {
        if (position >= length) _deadline?.BodySent();
        else _deadline?.BodyMoved();
    }

    /// <summary>The body of unknown length has ended: now the answer is awaited.</summary>
    public void Ended() => _deadline?.BodySent();
}
