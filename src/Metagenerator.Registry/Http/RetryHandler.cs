namespace Metagenerator.Registry.Http;

/// <summary>Retries transient failures (5xx, 408, 429, reset connections, timeouts) of requests whose body can be sent again.</summary>
/// <remarks>Streamed uploads are retried a level up, by restarting the whole upload session.</remarks>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly RegistryOptions _options;

    public RetryHandler(RegistryOptions options, HttpMessageHandler inner) : base(inner) => _options = options;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var resendable = request.Content is null or ByteArrayContent;
        for (var attempt = 0; ; attempt++)
        {
            var canRetry = resendable && attempt < _options.PushRetry;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // Streamed bodies may legitimately take long; everything else gets a per-attempt timeout.
            if (request.Content is null or ByteArrayContent) timeout.CancelAfter(_options.RequestTimeout);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                if (!canRetry) throw new TimeoutException("the registry did not answer in time", e);
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

    /// <summary>Exponential backoff from <see cref="RegistryOptions.RetryBaseDelay"/>, capped at 30 s; a longer Retry-After wins (capped at 60 s).</summary>
    public static TimeSpan Backoff(RegistryOptions options, int attempt, TimeSpan? retryAfter)
    {
        var exponential = TimeSpan.FromTicks(Math.Min(options.RetryBaseDelay.Ticks * (1L << Math.Min(attempt, 16)), TimeSpan.FromSeconds(30).Ticks));
        var jitter = TimeSpan.FromTicks((long)(exponential.Ticks * 0.2 * Random.Shared.NextDouble()));
        var wait = exponential + jitter;
        if (retryAfter is { } ra && ra > wait) wait = ra > TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(60) : ra;
        return wait;
    }
}
