using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// Issue 20 point 8: reading the destination's previous image is an optimisation. A layer of it that is gone (404
/// BLOB_UNKNOWN) or listed with the wrong size is nothing to reuse for that layer; the rebuild goes on and leaves a
/// consistent image. Against a real docker-registry.
/// </summary>
[Tier(Tier.Registry)]
public sealed class BrokenDestinationRebuildTests(PlainRegistryWithBase shared) : IClassFixture<PlainRegistryWithBase>
{
    [NeedsToolsFact("docker-registry")]
    public async Task A_deleted_small_files_layer_is_built_again_and_the_rebuild_succeeds()
    {
        using var ws = new RebuildWorkspace(shared, "broken-deleted-layer");
        var first = await ws.BuildAsync();
        var destination = Assert.Single(first.Pushed);
        var smallFiles = first.NewLayers.Single(l => l.Contents.StartsWith("model source: small files")).Descriptor;
        using (var http = new HttpClient())
        {
            using var deleted = await http.DeleteAsync($"http://{ws.Registry.Host}/v2/{destination.Repository}/blobs/{smallFiles.Digest}");
            Assert.True(deleted.IsSuccessStatusCode, $"DELETE answered {deleted.StatusCode}");
        }
        var debug = new RecordedEvents();

        var second = await ws.BuildAsync(events: debug);

        Assert.Equal(first.Digest, second.Digest);
        Assert.False(second.NewLayers.Single(l => l.Descriptor.Digest == smallFiles.Digest).Reused);
        Assert.Contains(debug.Debugs, l => l.Contains($"nothing to reuse for layer {smallFiles.Digest}") && l.Contains("does not have it"));
        await AssertTagReadableAsync(ws, destination, first.Digest);
    }

    [NeedsToolsFact("docker-registry")]
    public async Task A_layer_listed_with_its_size_off_by_one_is_built_again_and_the_rebuild_succeeds()
    {
        using var ws = new RebuildWorkspace(shared, "broken-layer-size");
        var first = await ws.BuildAsync();
        var destination = Assert.Single(first.Pushed);
        using (var client = new RegistryClient(ws.Options))
        {
            var repository = client.Repository(destination.Registry, destination.Repository);
            var imageManifest = OciJson.ParseManifest((await repository.GetAsync(destination.Tag!)).Bytes);
            var layers = imageManifest.Layers.ToList();
            var i = layers.FindIndex(l => first.NewLayers.Any(n => n.Contents.StartsWith("model source: small files") && n.Descriptor.Digest == l.Digest));
            layers[i] = layers[i] with { Size = layers[i].Size + 1 };
            await repository.PutAsync(destination.Tag!, OciJson.Serialize(imageManifest with { Layers = layers }), imageManifest.MediaType);
        }

        var second = await ws.BuildAsync();

        Assert.Equal(first.Digest, second.Digest);
        await AssertTagReadableAsync(ws, destination, first.Digest);
    }

    /// <summary>The tag names <paramref name="digest"/>, and every blob of that image can be read and matches its digest.</summary>
    private static async Task AssertTagReadableAsync(RebuildWorkspace ws, ImageReference destination, Digest digest)
    {
        using var client = new RegistryClient(ws.Options);
        var image = await new RegistryImageSource(client).ReadImageAsync(destination with { Digest = null }, Platform.LinuxAmd64);
        Assert.Equal(digest, ((IImage)image).Digest);
        foreach (var layer in image.Layers)
        {
            await using var stream = await layer.OpenCompressedAsync();
            await stream.CopyToAsync(Stream.Null); // the stream verifies digest and size
        }
    }
}
