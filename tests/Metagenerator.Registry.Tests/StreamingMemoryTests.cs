using Metagenerator.Oci;
using Metagenerator.TestSupport.Registry;
using Xunit.Abstractions;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

[CollectionDefinition(nameof(StreamingMemoryTests), DisableParallelization = true)]
public sealed class StreamingMemoryCollection;

/// <summary>Registry-to-registry copies stream: a large layer never sits in memory whole. Runs alone so allocation counts are ours.</summary>
[Collection(nameof(StreamingMemoryTests))]
[Tier(Tier.Registry)]
public sealed class StreamingMemoryTests(ITestOutputHelper output)
{
    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task Copying_a_48_MiB_layer_between_registries_allocates_far_less_than_the_layer()
    {
        const int size = 48 * 1024 * 1024;
        await using var source = await LocalRegistry.StartAsync();
        await using var target = await LocalRegistry.StartAsync();
        await TestImages.PushBaseAsync(source.Host);
        var options = new RegistryOptions { InsecureRegistries = new HashSet<string> { source.Host, target.Host } };
        using (var seed = new RegistryClient(options))
        {
            var baseImage = await new RegistryImageSource(seed).ReadImageAsync($"{source.Host}/base:1", Platform.LinuxAmd64);
            await new RegistryImageSink(seed).WriteImageAsync(TestImage.WithRandomLayer(baseImage, size), [$"{source.Host}/big:1"]);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var client = new RegistryClient(options);
        var image = await new RegistryImageSource(client).ReadImageAsync($"{source.Host}/big:1", Platform.LinuxAmd64);
        await new RegistryImageSink(client).WriteImageAsync(image, [$"{target.Host}/big:1"]);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"allocated {allocated / 1024} KiB while copying {image.Layers[^1].Descriptor.Size / 1024} KiB");

        Assert.True(image.Layers[^1].Descriptor.Size > size, "the random layer should not compress");
        Assert.True(allocated < size / 4, $"copying allocated {allocated / (1024 * 1024)} MiB for a {size / (1024 * 1024)} MiB layer");
        Assert.Contains(((IImage)image).Digest.ToString(), (await TestImages.InspectAsync($"{target.Host}/big:1")).EnsureSuccess().StdOut);
    }
}
