using Metagenerator.Oci;

namespace Metagenerator.Registry.Http;

/// <summary>
/// Puts a deadline on every attempt of every request, and retries transient failures (5xx, 408, 429, reset connections,
/// timeouts) of requests that can be sent again.
/// </summary>
/// <remarks>The requests of an upload session are retried by <see cref="BlobUploader"/> alone, which restarts the whole upload.</remarks>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly RegistryOptions _options;
    private readonly IEvents _events;

    public RetryHandler(RegistryOptions options, IEvents events, HttpMessageHandler inner) : base(inner)
    {
        _options = options;
        _events = events;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Options.TryGetValue(RegistryRequestContext.Key, out var ctx);
        request.Options.TryGetValue(TransferWatch.Key, out var watch);
        var retriable = ctx is not { RetriedByUploader: true } && RegistryRequestContext.IsReplayable(request.Content);
        for (var attempt = 0; ; attempt++)
        {
            var canRetry = retriable && attempt < _options.PushRetry;
            using var deadline = new RequestDeadline(_options, _events, request.RequestUri!.Authority, ctx?.Operation ?? request.Method.Method, streamedBody: watch is not null, ct);
            watch?.Attach(deadline);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                if (!canRetry)
                {
                    if (deadline.AwaitingAnswer) request.Options.Set(RequestDeadline.Unanswered, true);
                    throw new TimeoutException(deadline.Reason, e);
                }
                await Task.Delay(Backoff(_options, attempt, null), ct).ConfigureAwait(false);
                continue;
            }
            catch (Exception e) when (canRetry && ErrorFactory.IsTransientNetwork(e))
            {
                await Task.Delay(Backoff(_options, attempt, null), ct).ConfigureAwait(false);
                continue;
            }
            if (!canRetry || !ErrorFactory.IsTransientStatus(response.StatusCode)) return response;
            var wait = Backoff(_options, attempt, ErrorFactory.RetryAfter(response));
            response.Dispose();
            await Task.Delay(wait, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Exponential backoff from <see cref="RegistryOptions.RetryBaseDelay"/>, capped at <see cref="RegistryOptions.MaxBackoff"/>; a longer Retry-After wins (capped at <see cref="RegistryOptions.MaxRetryAfter"/>).</summary>
    public static TimeSpan Backoff(RegistryOptions options, int attempt, TimeSpan? retryAfter)
    {
        var exponential = TimeSpan.FromTicks(Math.Min(options.RetryBaseDelay.Ticks * (1L << Math.Min(attempt, 16)), RegistryOptions.MaxBackoff.Ticks));
        var jitter = TimeSpan.FromTicks((long)(exponential.Ticks * 0.2 * Random.Shared.NextDouble()));
        var wait = exponential + jitter;
        if (retryAfter is { } ra && ra > wait) wait = ra > RegistryOptions.MaxRetryAfter ? RegistryOptions.MaxRetryAfter : ra;
        return wait;
    }
}
