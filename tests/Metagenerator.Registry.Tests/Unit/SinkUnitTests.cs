using Metagenerator.Oci;
using Metagenerator.TestSupport.InProcess;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests.Unit;

/// <summary>The sink's order (blobs, then manifests) and its reuse of what a registry holds, against the in-process registry.</summary>
[Tier(Tier.Unit)]
public sealed class SinkUnitTests
{
    private readonly InProcessSetup _setup = new();
    private InProcessRegistry Registry => _setup.Registry;

    [Fact]
    public async Task A_push_is_a_valid_image_whose_manifest_comes_after_every_blob()
    {
        using var client = _setup.Client();
        var image = await _setup.ImageAsync(client, layers: 3);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/gen:1"]);

        ImageValidator.AssertValid(Registry, "gen", "1");
        var requests = Registry.Requests.ToList();
        var manifestPut = requests.IndexOf("PUT /v2/gen/manifests/1");
        var lastBlob = requests.FindLastIndex(r => r.Contains("/v2/gen/blobs/", StringComparison.Ordinal));
        Assert.True(manifestPut > lastBlob, string.Join('\n', requests));
        Assert.Equal(((IImage)image).Digest, Registry.Manifest("gen", "1")!.Value.Digest);
    }

    [Fact]
    public async Task A_repush_uploads_nothing_and_reports_every_blob_as_present()
    {
        using var client = _setup.Client();
        var image = await _setup.ImageAsync(client, layers: 2);
        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/gen:1"]);
        var uploadsBefore = _setup.Count("POST", "/v2/gen/blobs/uploads");
        var events = new List<TransferEvent>();

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/gen:2"], new TransferRecorder(events));

        Assert.Equal(uploadsBefore, _setup.Count("POST", "/v2/gen/blobs/uploads"));
        Assert.All(events, e => Assert.Equal(TransferKind.Exists, e.Kind));
        Assert.Equal(image.Layers.Count + 1, events.Count);
        Assert.Equal(["1", "2"], Registry.Tags("gen"));
    }

    [Fact]
    public async Task Base_layers_are_mounted_from_their_repository_and_later_repositories_mount_new_layers()
    {
        using var client = _setup.Client();
        var image = await _setup.ImageAsync(client, layers: 2);
        var events = new List<TransferEvent>();

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/gen/a:1", $"{InProcessSetup.Host}/gen/b:1"], new TransferRecorder(events));

        ImageValidator.AssertValid(Registry, "gen/a", "1");
        ImageValidator.AssertValid(Registry, "gen/b", "1");
        var baseLayer = image.Layers[0].Descriptor.Digest;
        // gen/a: the base layer mounted from "base", the new ones and the config uploaded; gen/b mounts every blob from gen/a.
        Assert.Contains(events, e => e.Blob.Digest == baseLayer && e.Kind == TransferKind.Mounted);
        Assert.Equal(3, events.Count(e => e.Kind == TransferKind.Uploaded));
        Assert.Equal(1 + 4, events.Count(e => e.Kind == TransferKind.Mounted));
    }

    [Fact]
    public async Task At_most_four_blobs_are_uploaded_at_once()
    {
        using var client = _setup.Client();
        var image = await _setup.ImageAsync(client, layers: 10, layerSize: 4 * 1024);
        // Slow closing PUTs keep sessions open, so more than four would overlap if the sink allowed it.
        Registry.Delay = r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal)
            ? TimeSpan.FromMilliseconds(300) : TimeSpan.Zero;

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/many:1"]);

        Assert.Equal(4, Registry.MaxConcurrentUploads);
        ImageValidator.AssertValid(Registry, "many", "1");
    }

    [Fact]
    public async Task The_validator_finds_a_config_whose_diff_ids_disagree_with_the_layers()
    {
        // The validator is what the other tests lean on: it must see a broken image.
        using var client = _setup.Client();
        var image = await _setup.ImageAsync(client);
        var badConfig = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(image.ConfigBytes.Span)
            .Replace(((MemoryLayer)image.Layers[^1]).DiffId.ToString(), Digest.Sha256("other"u8).ToString(), StringComparison.Ordinal));
        var configDigest = Registry.PutBlob("broken", badConfig);
        foreach (var layer in image.Layers)
        {
            await using var stream = await layer.OpenCompressedAsync();
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            Registry.PutBlob("broken", bytes.ToArray());
        }
        var manifest = image.Manifest with { Config = image.Manifest.Config with { Digest = configDigest, Size = badConfig.Length } };
        Registry.PutManifest("broken", OciJson.Serialize(manifest), manifest.MediaType, "1");

        var problems = ImageValidator.Problems(Registry, "broken", "1");

        Assert.Contains(problems, p => p.Contains("layer 1 uncompresses to", StringComparison.Ordinal));
        Assert.Empty(ImageValidator.Problems(Registry, "base", "1"));
    }
}
