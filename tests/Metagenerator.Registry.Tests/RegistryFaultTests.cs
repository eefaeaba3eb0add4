using System.Net;
using System.Text.Json;
using Metagenerator.Oci;
using Metagenerator.Oci.Images;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>Pushes through a fault-injecting proxy: transient faults are retried within PushRetry; otherwise a clear error, and the tag never points at an incomplete image.</summary>
[Tier(Tier.Registry)]
public sealed class RegistryFaultTests : IClassFixture<PlainRegistryWithBase>, IAsyncDisposable
{
    private readonly LocalRegistry _registry;
    // The registry is shared by the class; each test puts its faults in a proxy of its own.
    private readonly FaultProxy _proxy;
    private readonly string _baseRef;

    public RegistryFaultTests(PlainRegistryWithBase shared)
    {
        _registry = shared.Registry;
        _proxy = FaultProxy.Start(_registry.Port);
        _baseRef = $"{_proxy.Host}/base:1";
    }

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    private RegistryClient Client(int retry) => new(new RegistryOptions
    {
        InsecureRegistries = new HashSet<string> { _proxy.Host, _registry.Host },
        PushRetry = retry,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
    });

    private async Task<Image> ImageAsync(RegistryClient client, int layerSize = 256 * 1024)
    {
        var baseImage = await new RegistryImageSource(client).ReadImageAsync(_baseRef, Platform.LinuxAmd64);
        return TestImage.WithRandomLayer(baseImage, layerSize);
    }

    private static async Task AssertTagIsAsync(string reference, Digest expected)
    {
        var inspect = (await TestImages.InspectAsync(reference)).EnsureSuccess();
        using var json = JsonDocument.Parse(inspect.StdOut);
        Assert.Equal(expected.ToString(), json.RootElement.GetProperty("Digest").GetString());
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task Server_errors_on_heads_and_uploads_are_retried()
    {
        using var client = Client(retry: 3);
        var image = await ImageAsync(client);
        _proxy.Inject(r => r.Method == "HEAD", Fault.ServerError(), times: 2);
        _proxy.Inject(r => r.IsBlobUpload, Fault.ServerError(), times: 2);
        _proxy.Inject(r => r.Method == "PUT" && r.Path.Contains("/manifests/"), new Fault.Respond(503), times: 1);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{_proxy.Host}/faults:500"]);

        await AssertTagIsAsync($"{_registry.Host}/faults:500", ((IImage)image).Digest);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task Too_many_requests_is_retried_after_the_delay_the_registry_asks_for()
    {
        using var client = Client(retry: 2);
        var image = await ImageAsync(client);
        _proxy.Inject(r => r.Method == "POST" && r.Path.EndsWith("/blobs/uploads/"), Fault.TooManyRequests(1), times: 1);
        var started = DateTime.UtcNow;

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{_proxy.Host}/faults:429"]);

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "Retry-After: 1 was not honoured");
        await AssertTagIsAsync($"{_registry.Host}/faults:429", ((IImage)image).Digest);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_connection_reset_mid_upload_restarts_the_upload_from_scratch()
    {
        using var client = Client(retry: 2);
        var image = await ImageAsync(client, layerSize: 512 * 1024);
        var layer = (MemoryLayer)image.Layers[^1];
        _proxy.Inject(r => r.IsBlobUpload && r.ContentLength == layer.Descriptor.Size, new Fault.ResetAfter(100 * 1024), times: 1);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{_proxy.Host}/faults:reset"]);

        Assert.Equal(2, layer.Opened); // reopened for the new session
        Assert.Equal(2, _proxy.Requests.Count(r => r.IsBlobUpload && r.ContentLength == layer.Descriptor.Size));
        await AssertTagIsAsync($"{_registry.Host}/faults:reset", ((IImage)image).Digest);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task Persistent_failures_exhaust_the_retries_with_a_clear_error_and_push_no_manifest()
    {
        using var client = Client(retry: 2);
        var image = await ImageAsync(client);
        var layer = image.Layers[^1];
        _proxy.Inject(r => r.IsBlobUpload && r.ContentLength == layer.Descriptor.Size, Fault.ServerError(), times: 100);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{_proxy.Host}/faults:broken"]));

        Assert.Contains($"pushing blob {layer.Descriptor.Digest.Algorithm}:{layer.Descriptor.Digest.Short}… to {_proxy.Host}/faults", e.Message);
        Assert.Contains("500 UNKNOWN: injected failure", e.Message);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Equal(RegistryErrorCode.Unknown, Assert.Single(e.Errors).ErrorCode);
        Assert.Equal(3, _proxy.Requests.Count(r => r.IsBlobUpload && r.ContentLength == layer.Descriptor.Size));
        Assert.DoesNotContain(_proxy.Requests, r => r.Method == "PUT" && r.Path.Contains("/manifests/"));
        var inspect = await TestImages.InspectAsync($"{_registry.Host}/faults:broken");
        Assert.NotEqual(0, inspect.ExitCode);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_failed_push_to_an_existing_tag_leaves_it_on_the_previous_complete_image()
    {
        using var client = Client(retry: 0);
        var first = await ImageAsync(client);
        await new RegistryImageSink(client).WriteImageAsync(first, [$"{_proxy.Host}/faults:stable"]);
        var second = await ImageAsync(client);
        _proxy.Inject(r => r.IsBlobUpload && r.ContentLength == second.Layers[^1].Descriptor.Size, new Fault.ResetAfter(10 * 1024), times: 10);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSink(client).WriteImageAsync(second, [$"{_proxy.Host}/faults:stable"]));

        Assert.Contains("pushing blob", e.Message);
        await AssertTagIsAsync($"{_registry.Host}/faults:stable", ((IImage)first).Digest);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_monolithic_upload_refused_with_413_falls_back_to_chunks()
    {
        var options = new RegistryOptions { InsecureRegistries = new HashSet<string> { _proxy.Host } };
        using var client = new RegistryClient(options) { ChunkSize = 64 * 1024 };
        var image = await ImageAsync(client, layerSize: 200 * 1024);
        _proxy.Inject(r => r.Method == "PUT" && r.IsBlobUpload, new Fault.Respond(413, """{"errors":[{"code":"SIZE_INVALID","message":"too large"}]}"""), times: 100);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{_proxy.Host}/faults:chunked"]);

        Assert.True(_proxy.Requests.Count(r => r.Method == "PATCH") >= 4, "expected the layer in 64 KiB chunks");
        await AssertTagIsAsync($"{_registry.Host}/faults:chunked", ((IImage)image).Digest);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task An_unreachable_registry_is_reported_as_such()
    {
        var port = FreePort.Next();
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = new HashSet<string> { $"127.0.0.1:{port}" } });
        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync($"127.0.0.1:{port}/base:1", Platform.LinuxAmd64));
        Assert.Contains($"registry 127.0.0.1:{port} is unreachable: connection refused", e.Message);
        Assert.Null(e.StatusCode);
    }
}

/// <summary>Token expiry in the middle of a push, with the token registry behind the proxy.</summary>
[Tier(Tier.Registry)]
public sealed class RegistryTokenExpiryTests
{
    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task An_expired_token_mid_upload_is_renewed_and_the_push_completes()
    {
        using var dir = new TempDirectory("mg-expiry");
        await using var issuer = TokenIssuer.Start();
        issuer.Users["u"] = "pw-expiry-1";
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { TokenAuth = issuer.RegistryAuth });
        await using var proxy = FaultProxy.Start(registry.Port);
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: "u", Password: "pw-expiry-1"));
        var config = TestConfig.WriteAuth(dir, proxy.Host, "u", "pw-expiry-1");
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { proxy.Host },
            Credentials = new DockerConfigCredentials(config),
        });
        var baseImage = await new RegistryImageSource(client).ReadImageAsync($"{proxy.Host}/base:1", Platform.LinuxAmd64);
        var image = TestImage.WithRandomLayer(baseImage, 128 * 1024);
        var tokensBefore = client.TokenRequestCount;
        proxy.Inject(r => r.IsBlobUpload && r.ContentLength == image.Layers[^1].Descriptor.Size, Fault.ExpiredToken(issuer.Realm, issuer.Service), times: 1);
        proxy.Inject(r => r.Method == "HEAD" && r.Path.Contains("/expiry/"), Fault.ExpiredToken(issuer.Realm, issuer.Service), times: 1);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{proxy.Host}/expiry:1"]);

        Assert.True(client.TokenRequestCount - tokensBefore >= 3, "the rejected tokens should have been renewed");
        var inspect = (await TestImages.InspectAsync($"{registry.Host}/expiry:1", new SkopeoAuth(Username: "u", Password: "pw-expiry-1"))).EnsureSuccess();
        Assert.Contains(((IImage)image).Digest.ToString(), inspect.StdOut);
    }
}
