using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>Every wait is bounded: a registry that stops answering is reported (which request, how long), and a long wait is announced.</summary>
[Tier(Tier.Registry)]
public sealed class RegistryTimeoutTests : IClassFixture<PlainRegistryWithBase>, IAsyncDisposable
{
    // Only a guard against a hang of the code under test; the timeouts under test are seconds.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    // The registry is shared by the class; each test puts its faults in a proxy of its own.
    private readonly FaultProxy _proxy;

    public RegistryTimeoutTests(PlainRegistryWithBase shared) => _proxy = FaultProxy.Start(shared.Registry.Port);

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    private RegistryOptions Options() => new()
    {
        InsecureRegistries = new HashSet<string> { _proxy.Host },
        RequestTimeout = TimeSpan.FromSeconds(2),
        IdleTimeout = TimeSpan.FromSeconds(2),
        WaitNoticeAfter = TimeSpan.FromMilliseconds(300),
    };

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_registry_that_reads_an_upload_and_never_answers_fails_naming_the_request()
    {
        using var client = new RegistryClient(Options());
        var image = TestImage.WithRandomLayer(await new RegistryImageSource(client).ReadImageAsync($"{_proxy.Host}/base:1", Platform.LinuxAmd64), 256 * 1024);
        var layer = image.Layers[^1].Descriptor;
        _proxy.Inject(r => r.IsBlobUpload && r.ContentLength == layer.Size, new Fault.Hang());

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{_proxy.Host}/hang:1"]).WaitAsync(HangGuard));

        Assert.Contains($"pushing blob {layer.Digest.Algorithm}:{layer.Digest.Short}… to {_proxy.Host}/hang", e.Message);
        Assert.Contains("did not answer within 2 s", e.Message);
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Equal(ErrorCategory.Registry, e.Category);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_registry_that_never_answers_is_announced_while_waiting_and_then_reported()
    {
        var events = new RecordedEvents();
        using var client = new RegistryClient(Options(), events);
        _proxy.Inject(r => r.Path.Contains("/manifests/"), new Fault.Hang());

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync($"{_proxy.Host}/base:1", Platform.LinuxAmd64).WaitAsync(HangGuard));

        Assert.Contains($"reading manifest 1 from {_proxy.Host}/base", e.Message);
        Assert.Contains("did not answer within 2 s", e.Message);
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Contains(events.Waits, l => l.Contains($"waiting for {_proxy.Host}") && l.Contains("reading manifest 1"));
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_download_longer_than_the_blob_is_cut_off_at_its_size()
    {
        using var client = new RegistryClient(Options());
        var image = await new RegistryImageSource(client).ReadImageAsync($"{_proxy.Host}/base:1", Platform.LinuxAmd64);
        _proxy.Inject(r => r.Method == "GET" && r.Path.Contains("/blobs/"), new Fault.EndlessBody(200, new Dictionary<string, string> { ["Content-Type"] = "application/octet-stream" }));
        await using var blob = await image.Layers[0].OpenCompressedAsync();

        // The endless body sends more than the layer's size: the read stops there instead of running on.
        var e = await Assert.ThrowsAsync<RegistryException>(() => blob.CopyToAsync(Stream.Null).WaitAsync(HangGuard));

        Assert.Contains("reading blob", e.Message);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_download_that_stops_moving_fails_after_the_idle_timeout()
    {
        using var client = new RegistryClient(Options());
        var image = await new RegistryImageSource(client).ReadImageAsync($"{_proxy.Host}/base:1", Platform.LinuxAmd64);
        var layer = image.Layers[0].Descriptor;
        _proxy.Inject(r => r.Method == "GET" && r.Path.Contains("/blobs/"), new Fault.StallBody(layer.Size, 1000));
        await using var blob = await image.Layers[0].OpenCompressedAsync();

        var e = await Assert.ThrowsAsync<RegistryException>(() => blob.CopyToAsync(Stream.Null).WaitAsync(HangGuard));

        Assert.Contains($"reading blob {layer.Digest.Algorithm}:{layer.Digest.Short}… from {_proxy.Host}/base", e.Message);
        Assert.Contains("no bytes arrived for 2 s", e.Message);
        Assert.IsType<TimeoutException>(e.InnerException);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task An_upload_that_stops_moving_fails_after_the_idle_timeout()
    {
        using var client = new RegistryClient(Options());
        // Larger than what the socket buffers on both sides can hold, so the sender really blocks.
        var image = TestImage.WithRandomLayer(await new RegistryImageSource(client).ReadImageAsync($"{_proxy.Host}/base:1", Platform.LinuxAmd64), 24 * 1024 * 1024);
        var layer = image.Layers[^1].Descriptor;
        _proxy.Inject(r => r.IsBlobUpload && r.ContentLength == layer.Size, new Fault.StallUpload(64 * 1024));

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{_proxy.Host}/stall:1"]).WaitAsync(HangGuard));

        Assert.Contains($"pushing blob {layer.Digest.Algorithm}:{layer.Digest.Short}… to {_proxy.Host}/stall", e.Message);
        Assert.Contains("no bytes moved for 2 s", e.Message);
        Assert.IsType<TimeoutException>(e.InnerException);
    }
}
