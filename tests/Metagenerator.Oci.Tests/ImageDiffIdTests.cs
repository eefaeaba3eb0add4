using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>Issue 18: a layer carries its diffID; an image checks it against its config's <c>rootfs.diff_ids</c>, and its sources pair the two lists once.</summary>
[Tier(Tier.Unit)]
public sealed class ImageDiffIdTests
{
    [Fact]
    public async Task An_image_refuses_a_layer_whose_diff_id_is_not_the_config_entry_at_its_index()
    {
        using var dir = new TempDirectory();
        var image = await TestImages.SmallBaseAsync(dir.Path, MediaTypeFamily.Oci);
        var layer = (FileLayer)image.Layers[0];
        var wrong = new FileLayer(layer.Descriptor, Digest.Sha256("other"u8), layer.FilePath);

        var error = Assert.Throws<ArgumentException>(() => new Image(image.ManifestBytes, image.ConfigBytes, [wrong]));

        Assert.Contains($"layer 0 ({layer.Descriptor.Digest}) has diffID {wrong.DiffId}, but the config's rootfs.diff_ids[0] is {layer.DiffId}", error.Message);
    }

    [Fact]
    public async Task FromManifestAndConfig_gives_each_manifest_layer_the_config_diff_id_at_its_index()
    {
        using var dir = new TempDirectory();
        var image = await TestImages.SmallBaseAsync(dir.Path, MediaTypeFamily.Oci);
        var seen = new List<(Descriptor, Digest)>();

        var read = Image.FromManifestAndConfig(image.ManifestBytes, image.ConfigBytes, (descriptor, diffId) =>
        {
            seen.Add((descriptor, diffId));
            return new FileLayer(descriptor, diffId, ((FileLayer)image.Layers[0]).FilePath);
        });

        var (descriptor, diffId) = Assert.Single(seen);
        Assert.Equal(image.Layers[0].Descriptor, descriptor);
        Assert.Equal(image.Layers[0].DiffId, diffId);
        Assert.Equal(image.Digest, read.Digest);
    }

    [Theory]
    [InlineData("""{"rootfs":{"type":"layers","diff_ids":[]}}""", "the config's rootfs.diff_ids lists 0 layers but the manifest has 1")]
    [InlineData("""{"rootfs":{"type":"layers","diff_ids":[42]}}""", "the config's rootfs.diff_ids[0] is 42, not a digest")]
    [InlineData("""{"rootfs":{"type":"layers"}}""", "the config's rootfs.diff_ids is missing or not an array")]
    [InlineData("""{"architecture":"amd64"}""", "the config's rootfs is missing or not an object")]
    [InlineData("""[1]""", "the config is [1], not a JSON object")]
    public void An_image_whose_config_diff_ids_do_not_list_its_layers_is_refused(string config, string expected)
    {
        var configBytes = Encoding.UTF8.GetBytes(config);
        var manifest = Manifest(configBytes, new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256("layer"u8), Size = 5 });

        var error = Assert.Throws<ArgumentException>(() => Image.FromManifestAndConfig(manifest, configBytes, (_, _) => throw new InvalidOperationException("no layer is made")));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task An_oci_layout_image_whose_config_lists_no_diff_ids_for_its_layer_is_a_layout_error()
    {
        // Before issue 18 this image was read as it was, and a build on it wrote a config with one diffID for two layers.
        using var dir = new TempDirectory();
        var layout = new OciLayout(dir.Combine("layout"));
        var layer = "layer"u8.ToArray();
        var layerDescriptor = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256(layer), Size = layer.Length };
        var config = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();
        var manifest = Manifest(config, layerDescriptor);
        var manifestDigest = Digest.Sha256(manifest);
        dir.WriteFile("layout/oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        dir.WriteFile("layout/index.json", new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = MediaTypes.OciManifest, ["digest"] = manifestDigest.ToString(), ["size"] = manifest.Length,
                ["annotations"] = new JsonObject { [OciLayout.RefNameAnnotation] = "v1" },
            }),
        }.ToJsonString());
        Directory.CreateDirectory(Path.GetDirectoryName(layout.BlobPath(manifestDigest))!);
        foreach (var blob in (byte[][])[manifest, config, layer])
            await File.WriteAllBytesAsync(layout.BlobPath(Digest.Sha256(blob)), blob);

        var error = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ReadImageAsync("v1", Platform.LinuxAmd64));

        Assert.Contains($"OCI layout {layout.Directory}: image {manifestDigest} is inconsistent", error.Message);
        Assert.Contains("the config's rootfs.diff_ids lists 0 layers but the manifest has 1", error.Message);
    }

    private static byte[] Manifest(byte[] config, Descriptor layer) => OciJson.Serialize(new ImageManifest
    {
        SchemaVersion = 2,
        MediaType = MediaTypes.OciManifest,
        Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Sha256(config), Size = config.Length },
        Layers = [layer],
    });
}
