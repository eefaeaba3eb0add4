using System.Net;
using System.Text;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.InProcess;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests.Unit;

/// <summary>
/// RetryHandler and BlobUploader against the in-process registry: which failures are retried, how often, and how an
/// upload restarts. The same faults through a real socket are in <see cref="RegistryFaultTests"/> (the fault proxy).
/// </summary>
[Tier(Tier.Unit)]
public sealed class TransportUnitTests
{
    private readonly InProcessSetup _setup = new();
    private InProcessRegistry Registry => _setup.Registry;

    private static HttpResponseMessage Status(int status, string code, string message, string? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent($$"""{"errors":[{"code":"{{code}}","message":"{{message}}"}]}""", Encoding.UTF8, "application/json"),
        };
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }

    /// <summary>Answers the first <paramref name="times"/> requests matching <paramref name="match"/> with <paramref name="fault"/>.</summary>
    private void Inject(Func<HttpRequestMessage, bool> match, Func<HttpResponseMessage> fault, int times)
    {
        var left = times;
        var previous = Registry.Intercept;
        Registry.Intercept = r =>
        {
            if (match(r) && Interlocked.Decrement(ref left) >= 0) return fault();
            return previous?.Invoke(r);
        };
    }

    private static bool IsUpload(HttpRequestMessage r) => r.RequestUri!.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal);

    [Fact]
    public async Task Server_errors_on_heads_uploads_and_the_manifest_are_retried()
    {
        using var client = _setup.Client(retry: 3);
        var image = await _setup.ImageAsync(client);
        Inject(r => r.Method == HttpMethod.Head, () => Status(500, "UNKNOWN", "injected"), times: 2);
        Inject(r => IsUpload(r) && r.Method == HttpMethod.Put, () => Status(502, "UNKNOWN", "injected"), times: 2);
        Inject(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/manifests/"), () => Status(503, "UNAVAILABLE", "injected"), times: 1);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/faults:500"]);

        ImageValidator.AssertValid(Registry, "faults", "500");
        Assert.Equal(2, _setup.Count("PUT", "/v2/faults/manifests/"));
    }

    [Fact]
    public async Task Without_retries_a_server_error_fails_at_once()
    {
        using var client = _setup.Client(retry: 0);
        Inject(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains("/manifests/"), () => Status(503, "UNAVAILABLE", "injected"), times: 1);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync(_setup.BaseRef, Platform.LinuxAmd64));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Equal(1, _setup.Count("GET", "/v2/base/manifests/"));
    }

    [Fact]
    public async Task Too_many_requests_waits_as_long_as_the_registry_asks()
    {
        using var client = _setup.Client(retry: 2);
        var image = await _setup.ImageAsync(client);
        Inject(r => r.Method == HttpMethod.Post && IsUpload(r), () => Status(429, "TOOMANYREQUESTS", "slow down", retryAfter: "1"), times: 1);
        var started = DateTime.UtcNow;

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/faults:429"]);

        // The backoff base is 1 ms here: only Retry-After can account for a second.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "Retry-After: 1 was not honoured");
        ImageValidator.AssertValid(Registry, "faults", "429");
    }

    [Fact]
    public async Task Persistent_failures_exhaust_the_retries_with_a_clear_error_and_push_no_manifest()
    {
        using var client = _setup.Client(retry: 2);
        var image = await _setup.ImageAsync(client);
        var layer = image.Layers[^1];
        bool IsLayerBody(HttpRequestMessage r) => IsUpload(r) && r.Content?.Headers.ContentLength == layer.Descriptor.Size;
        var attempts = 0;
        Inject(r => IsLayerBody(r) && Interlocked.Increment(ref attempts) > 0, () => Status(500, "UNKNOWN", "injected failure"), times: 100);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/faults:broken"]));

        Assert.Contains($"pushing blob {layer.Descriptor.Digest.Algorithm}:{layer.Descriptor.Digest.Short}… to {InProcessSetup.Host}/faults", e.Message);
        Assert.Contains("500 UNKNOWN: injected failure", e.Message);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Equal("UNKNOWN", Assert.Single(e.Errors).Code);
        Assert.Equal(3, attempts);
        Assert.Equal(0, _setup.Count("PUT", "/v2/faults/manifests/"));
        Assert.Empty(Registry.Tags("faults"));
    }

    [Fact]
    public async Task A_connection_reset_mid_upload_restarts_the_upload_from_scratch()
    {
        using var client = _setup.Client(retry: 2);
        var image = await _setup.ImageAsync(client, layerSize: 256 * 1024);
        var layer = (MemoryLayer)image.Layers[^1];
        var reset = 0;
        Registry.Intercept = r =>
        {
            if (IsUpload(r) && r.Content?.Headers.ContentLength == layer.Descriptor.Size && Interlocked.Increment(ref reset) == 1)
                throw new HttpRequestException("injected reset", new IOException("Connection reset by peer"));
            return null;
        };

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/faults:reset"]);

        Assert.Equal(2, layer.Opened); // reopened for the new session
        Assert.Equal(2, reset);
        ImageValidator.AssertValid(Registry, "faults", "reset");
    }

    [Fact]
    public async Task A_monolithic_upload_refused_with_413_falls_back_to_chunks_in_order()
    {
        Registry.RefuseMonolithicUploads = true;
        using var client = new RegistryClient(_setup.Options(), _setup.Events) { ChunkSize = 64 * 1024 };
        var image = await _setup.ImageAsync(client, layerSize: 200 * 1024);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/faults:chunked"]);

        ImageValidator.AssertValid(Registry, "faults", "chunked");
        // The layer (about 200 KiB of random bytes) takes four chunks of 64 KiB; the registry refuses a chunk out of order.
        Assert.True(_setup.Count("PATCH", "/v2/faults/blobs/uploads/") >= 4, string.Join('\n', Registry.Requests));
    }

    [Fact]
    public async Task An_expired_token_mid_upload_is_renewed_and_the_push_completes()
    {
        var setup = new InProcessSetup(new InProcessRegistry { Auth = InProcessAuth.Bearer });
        using var dir = new TempDirectory("mg-unit-token");
        var config = TestConfig.WriteAuth(dir, InProcessSetup.Host, setup.Registry.User, setup.Registry.Password);
        using var client = setup.Client(TestConfig.Provider(config), retry: 1);
        var image = await setup.ImageAsync(client, layerSize: 128 * 1024);
        var layer = image.Layers[^1];
        var revoked = 0;
        setup.Registry.Intercept = r =>
        {
            if (IsUpload(r) && r.Content?.Headers.ContentLength == layer.Descriptor.Size && Interlocked.Increment(ref revoked) == 1) setup.Registry.RevokeTokens();
            return null;
        };

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/faults:token"]);

        ImageValidator.AssertValid(setup.Registry, "faults", "token");
        Assert.True(revoked >= 2, "the layer's upload was not sent again after the token expired");
    }
}
