using System.Text.Json;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>Reading and pushing against a real docker-registry over plain HTTP; results checked with skopeo.</summary>
/// <remarks>The sink's concurrency limit and the error of a missing tag are our own logic: Unit/SinkUnitTests and Unit/ErrorUnitTests.</remarks>
[Tier(Tier.Registry)]
public sealed class RegistryPushTests
{
    private static RegistryOptions Plain(params string[] hosts) =>
        new() { InsecureRegistries = new HashSet<string>(hosts, StringComparer.OrdinalIgnoreCase) };

    [NeedsToolsFact("skopeo", "docker-registry")]
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
        await new RegistryImageSink(client).WriteImageAsync(image, [destination], new TransferRecorder(events));

        Assert.Contains(events, e => e.Kind == TransferKind.Mounted && e.Blob.Digest == baseImage.Layers[0].Descriptor.Digest);
        Assert.Contains(events, e => e.Kind == TransferKind.Uploaded && e.Blob.Digest == image.Layers[1].Descriptor.Digest);
        Assert.Contains(events, e => e.Kind == TransferKind.Uploaded && e.Blob.Digest == image.Manifest.Config.Digest);

        var inspect = (await TestImages.InspectAsync(destination)).EnsureSuccess();
        using var json = JsonDocument.Parse(inspect.StdOut);
        Assert.Equal(((IImage)image).Digest.ToString(), json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("Layers").GetArrayLength());
        Assert.Equal("test", json.RootElement.GetProperty("Labels").GetProperty("test.label").GetString());
    }

    [NeedsToolsFact("skopeo", "docker-registry")]
    public async Task Pushes_to_another_registry_by_streaming_the_base_layers_and_a_repush_uploads_nothing()
    {
        await using var source = await LocalRegistry.StartAsync();
        await using var target = await LocalRegistry.StartAsync();
        await using var proxy = FaultProxy.Start(target.Port);
        var baseRef = await TestImages.PushBaseAsync(source.Host);
        using var client = new RegistryClient(Plain(source.Host, proxy.Host));
        var baseImage = await new RegistryImageSource(client).ReadImageAsync(baseRef, Platform.LinuxAmd64);
        var image = TestImage.WithRandomLayer(baseImage, 1024 * 1024);
        var destination = $"{proxy.Host}/copied/gen:v1";

        var events = new List<TransferEvent>();
        await new RegistryImageSink(client).WriteImageAsync(image, [destination], new TransferRecorder(events));

        Assert.Equal(3, proxy.BlobUploads); // base layer streamed across, new layer, config
        Assert.DoesNotContain(events, e => e.Kind == TransferKind.Mounted);
        Assert.Contains(events, e => e.Kind == TransferKind.Uploading && e.Blob.Digest == image.Layers[1].Descriptor.Digest && e.BytesDone < image.Layers[1].Descriptor.Size);
        var inspect = (await TestImages.InspectAsync($"{target.Host}/copied/gen:v1")).EnsureSuccess();
        Assert.Contains(((IImage)image).Digest.ToString(), inspect.StdOut);
        // skopeo can pull every blob back from the target: the image is complete there.
        using var pulled = new TempDirectory("mg-pull");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", $"docker://{target.Host}/copied/gen:v1", $"oci:{pulled.Combine("layout")}:x"])).EnsureSuccess();

        proxy.Reset();
        events.Clear();
        await new RegistryImageSink(client).WriteImageAsync(image, [destination], new TransferRecorder(events));

        Assert.Equal(0, proxy.BlobUploads);
        Assert.DoesNotContain(proxy.Requests, r => r.Method == "POST");
        Assert.Equal(3, events.Count(e => e.Kind == TransferKind.Exists));
    }

    [NeedsToolsFact("skopeo", "docker-registry")]
    public async Task Several_tags_in_several_repositories_get_the_same_image_and_later_repositories_mount()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await using var proxy = FaultProxy.Start(registry.Port);
        await TestImages.PushBaseAsync(registry.Host);
        using var client = new RegistryClient(Plain(proxy.Host));
        var baseImage = await new RegistryImageSource(client).ReadImageAsync($"{proxy.Host}/base:1", Platform.LinuxAmd64);
        var image = TestImage.WithRandomLayer(baseImage);
        var tags = new[] { $"{proxy.Host}/one:a", $"{proxy.Host}/one:b", $"{proxy.Host}/two/nested:c" };

        await new RegistryImageSink(client).WriteImageAsync(image, tags);

        Assert.Equal(2, proxy.BlobUploads); // new layer and config once; "two/nested" mounts them from "one"
        Assert.Equal(4, proxy.Requests.Count(r => r.Method == "POST" && r.Target.Contains("mount="))); // base layer twice (from "base"), new layer and config once (from "one")
        foreach (var tag in tags)
            Assert.Contains(((IImage)image).Digest.ToString(), (await TestImages.InspectAsync(tag.Replace(proxy.Host, registry.Host))).EnsureSuccess().StdOut);
    }

    [NeedsToolsFact("skopeo", "docker-registry")]
    public async Task A_docker_schema2_base_is_read_and_pushed_with_docker_media_types()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host, "docker-base", format: "v2s2");
        using var client = new RegistryClient(Plain(registry.Host));

        var baseImage = await new RegistryImageSource(client).ReadImageAsync(baseRef, Platform.LinuxAmd64);
        Assert.Equal(MediaTypes.DockerManifest, baseImage.Manifest.MediaType);
        Assert.Equal(MediaTypes.DockerLayerGzip, baseImage.Layers[0].Descriptor.MediaType);
        var image = TestImage.WithRandomLayer(baseImage);
        await new RegistryImageSink(client).WriteImageAsync(image, [$"{registry.Host}/docker-gen:1"]);

        var raw = (await TestImages.InspectAsync($"{registry.Host}/docker-gen:1", raw: true)).EnsureSuccess().StdOut;
        using (var manifest = JsonDocument.Parse(raw))
            Assert.Equal(MediaTypes.DockerManifest, manifest.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(((IImage)image).Digest, Digest.Sha256(System.Text.Encoding.UTF8.GetBytes(raw.TrimEnd('\n'))));
    }

    [NeedsToolsFact("skopeo", "docker-registry")]
    public async Task An_index_is_resolved_to_the_requested_platform()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host);
        using var client = new RegistryClient(Plain(registry.Host));
        var single = await client.Repository(registry.Host, "base").GetAsync("1");
        // An index made by hand (raw HTTP, not the code under test): amd64 is the base, arm64/v8 points at the same manifest.
        string Entry(string platform) =>
            "{\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"digest\":\"" + single.Digest + "\",\"size\":" + single.Bytes.Length + ",\"platform\":" + platform + "}";
        var index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciIndex + "\",\"manifests\":["
            + Entry("{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}") + ","
            + Entry("{\"os\":\"linux\",\"architecture\":\"amd64\"}") + "]}";
        using (var http = new HttpClient())
        {
            var content = new StringContent(index);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(MediaTypes.OciIndex);
            (await http.PutAsync($"http://{registry.Host}/v2/base/manifests/multi", content)).EnsureSuccessStatusCode();
        }
        var source = new RegistryImageSource(client);

        var amd64 = await source.ReadImageAsync($"{registry.Host}/base:multi", Platform.LinuxAmd64);
        Assert.Equal(single.Digest, ((IImage)amd64).Digest);
        Assert.Equal(single.Digest, ((IImage)await source.ReadImageAsync($"{registry.Host}/base:multi", Platform.Parse("linux/arm64"))).Digest);

        var e = await Assert.ThrowsAsync<RegistryException>(() => source.ReadImageAsync($"{registry.Host}/base:multi", Platform.Parse("linux/s390x")));
        Assert.Equal(new Remedy(RemedyKind.ChoosePlatform, registry.Host), e.Remedy);
        Assert.Contains("no variant for platform linux/s390x", e.Message);
        Assert.Contains("linux/arm64/v8, linux/amd64", e.Message);
    }
}

/// <summary>Keeps the transfers a sink reports in <paramref name="events"/>; the other events are not looked at.</summary>
internal sealed class TransferRecorder(List<TransferEvent> events) : IEvents
{
    public void Transfer(TransferEvent transfer)
    {
        lock (events) events.Add(transfer);
    }

    public void Info(string message) { }
    public void Debug(string message) { }
    public void Waiting(string notice) { }
    public void Request(string line) { }
}
