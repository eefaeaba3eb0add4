using System.Text.Json;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.Registry.Tests;

/// <summary>Reading and pushing against a real docker-registry over plain HTTP; results checked with skopeo.</summary>
public sealed class RegistryPushTests
{
    private static RegistryOptions Plain(params string[] hosts) =>
        new() { InsecureRegistries = new HashSet<string>(hosts, StringComparer.OrdinalIgnoreCase) };

    [Fact]
    public async Task Reads_a_base_image_and_pushes_it_with_a_new_layer_to_another_repository_by_mounting()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host);
        using var client = new RegistryClient(Plain(registry.Host));
        var source = new RegistryImageSource(client);

        var baseImage = await source.ReadImageAsync(baseRef, Platform.LinuxAmd64);
        Assert.Single(baseImage.Layers);
        Assert.IsAssignableFrom<IRegistryLayer>(baseImage.Layers[0]);

        var image = TestImage.WithRandomLayer(baseImage);
        var events = new List<TransferEvent>();
        var destination = $"{registry.Host}/example-generator:v3";
        await new RegistryImageSink(client).WriteImageAsync(image, [destination], new InlineProgressRecorder(events));

        Assert.Contains(events, e => e.Kind == TransferKind.Mounted && e.Blob.Digest == baseImage.Layers[0].Descriptor.Digest);
        Assert.Contains(events, e => e.Kind == TransferKind.Uploaded && e.Blob.Digest == image.Layers[1].Descriptor.Digest);
        Assert.Contains(events, e => e.Kind == TransferKind.Uploaded && e.Blob.Digest == image.Manifest.Config.Digest);

        var inspect = (await TestImages.InspectAsync(destination)).EnsureSuccess();
        using var json = JsonDocument.Parse(inspect.StdOut);
        Assert.Equal(((IImage)image).Digest.ToString(), json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("Layers").GetArrayLength());
        Assert.Equal("test", json.RootElement.GetProperty("Labels").GetProperty("test.label").GetString());
    }
}

internal sealed class InlineProgressRecorder(List<TransferEvent> events) : IProgress<TransferEvent>
{
    public void Report(TransferEvent value)
    {
        lock (events) events.Add(value);
    }
}
