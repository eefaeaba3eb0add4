using Metagenerator.Oci;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>
/// Not waiting on a registry again after it let a request go unanswered (issue 20, point 12) leaves an upload's own
/// retries alone: with <c>--push-retry 1</c>, an upload whose answer never comes is restarted and the push completes.
/// </summary>
[Tier(Tier.Registry)]
public sealed class UnansweredUploadRetryTests
{
    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task An_upload_left_unanswered_once_is_still_restarted_with_push_retry()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host);
        await using var front = FaultProxy.Start(registry.Port);
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host, front.Host },
            RequestTimeout = TimeSpan.FromSeconds(2),
            PushRetry = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        });
        var image = TestImage.WithRandomLayer(await new RegistryImageSource(client).ReadImageAsync(baseRef, Platform.LinuxAmd64));
        // The first blob PUT is read whole and never answered.
        front.Inject(r => r.Method == "PUT" && r.IsBlobUpload, new Fault.Hang(), times: 1);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{front.Host}/retried/gen:1"]);

        Assert.Contains(((IImage)image).Digest.ToString(), (await TestImages.InspectAsync($"{registry.Host}/retried/gen:1")).EnsureSuccess().StdOut);
    }
}
