using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

[Tier(Tier.Unit)]
public class ImageMutationTests
{
    private static async Task<FileLayer> NewLayerAsync(string dir, LayerCompression compression = LayerCompression.Gzip) =>
        await LayerBuilder.BuildAsync(new LayerSpec
        {
            Sources = [new FileSource("workspace/generator.sh", "#!/bin/sh\n"u8.ToArray(), (UnixFileMode)0x1ED)],
            Compression = compression,
        }, dir);

    private static readonly HistoryEntry History = new() { Created = DateTimeOffset.FromUnixTimeSeconds(1), CreatedBy = "metagenerator build", Comment = "model source" };

    [Theory]
    [InlineData(MediaTypeFamily.Docker, MediaTypes.DockerManifest, MediaTypes.DockerConfig, MediaTypes.DockerLayerGzip)]
    [InlineData(MediaTypeFamily.Oci, MediaTypes.OciManifest, MediaTypes.OciConfig, MediaTypes.OciLayerGzip)]
    public async Task Append_keeps_the_base_family_and_records_diff_id_and_history(MediaTypeFamily family, string manifestType, string configType, string layerType)
    {
        using var dir = new TempDirectory();
        var baseImage = await TestImages.SmallBaseAsync(dir.Combine("base"), family);
        var layer = await NewLayerAsync(dir.Combine("new")); // built as OCI gzip on purpose

        var result = ImageMutation.AppendLayer(baseImage, layer, History);

        Assert.Equal(manifestType, result.Manifest.MediaType);
        Assert.Equal(configType, result.Manifest.Config.MediaType);
        Assert.Equal(2, result.Manifest.Layers.Count);
        Assert.All(result.Manifest.Layers, l => Assert.Equal(layerType, l.MediaType));
        Assert.Equal(layer.Descriptor.Digest, result.Manifest.Layers[1].Digest);
        Assert.Equal(layer.Descriptor.Size, result.Manifest.Layers[1].Size);
        Assert.Equal(Digest.Sha256(result.ConfigBytes.Span), result.Manifest.Config.Digest);
        Assert.Equal(Digest.Sha256(result.ManifestBytes.Span), result.Digest);

        var config = TestImages.Config(result);
        var diffIds = config["rootfs"]!["diff_ids"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(layer.DiffId.ToString(), diffIds[^1]);
        Assert.Equal(2, diffIds.Count);
        var history = config["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("metagenerator build", history[1]!["created_by"]!.GetValue<string>());
        Assert.Equal("1970-01-01T00:00:01Z", history[1]!["created"]!.GetValue<string>());
        Assert.True(config["x-unknown"]!["kept"]!.GetValue<bool>());

        // The base is untouched.
        Assert.Single(baseImage.Manifest.Layers);
    }

    [Fact]
    public async Task Zstd_layer_on_a_docker_base_converts_the_image_to_oci()
    {
        using var dir = new TempDirectory();
        var baseImage = await TestImages.SmallBaseAsync(dir.Combine("base"), MediaTypeFamily.Docker);
        var layer = await NewLayerAsync(dir.Combine("new"), LayerCompression.Zstd);
        var result = ImageMutation.AppendLayer(baseImage, layer, History);
        Assert.Equal(MediaTypes.OciManifest, result.Manifest.MediaType);
        Assert.Equal(MediaTypes.OciConfig, result.Manifest.Config.MediaType);
        Assert.Equal([MediaTypes.OciLayerGzip, MediaTypes.OciLayerZstd], result.Manifest.Layers.Select(l => l.MediaType));
    }

    [Fact]
    public async Task Same_inputs_give_the_same_image_digest()
    {
        using var dir = new TempDirectory();
        var baseImage = await TestImages.SmallBaseAsync(dir.Combine("base"), MediaTypeFamily.Docker);
        var layer = await NewLayerAsync(dir.Combine("new"));
        IImage Make() => ImageMutation.EditConfig(ImageMutation.AppendLayer(baseImage, layer, History), c =>
        {
            ImageConfigEditor.SetCreated(c, DateTimeOffset.FromUnixTimeSeconds(1));
            ImageConfigEditor.AddLabels(c, new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        });
        Assert.Equal(Make().Digest, Make().Digest);
        Assert.Equal(Make().ManifestBytes.ToArray(), Make().ManifestBytes.ToArray());
    }

    [Fact]
    public async Task Config_edits_replace_env_keys_clear_cmd_and_keep_unknown_fields()
    {
        using var dir = new TempDirectory();
        var baseImage = await TestImages.SmallBaseAsync(dir.Combine("base"), MediaTypeFamily.Oci);
        var result = ImageMutation.EditConfig(baseImage, c =>
        {
            ImageConfigEditor.SetWorkingDir(c, "/workspace");
            ImageConfigEditor.SetEnv(c, "PATH", "/busybox:/bin");
            ImageConfigEditor.SetEnv(c, "DOCKER_CONFIG", "/workspace");
            ImageConfigEditor.SetEntrypoint(c, ["/workspace/generator.sh"]);
            ImageConfigEditor.SetCmd(c, null);
            ImageConfigEditor.AddLabels(c, new Dictionary<string, string> { ["base"] = "overridden", ["new"] = "label" });
            ImageConfigEditor.SetCreated(c, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        });
        var config = TestImages.Config(result);
        var inner = config["config"]!;
        Assert.Equal("/workspace", inner["WorkingDir"]!.GetValue<string>());
        Assert.Equal(["PATH=/busybox:/bin", "HOME=/root", "DOCKER_CONFIG=/workspace"], inner["Env"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["/workspace/generator.sh"], inner["Entrypoint"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Null(inner["Cmd"]);
        Assert.Equal("overridden", inner["Labels"]!["base"]!.GetValue<string>());
        Assert.Equal("label", inner["Labels"]!["new"]!.GetValue<string>());
        Assert.Equal("2023-11-14T22:13:20Z", config["created"]!.GetValue<string>());
        Assert.True(config["x-unknown"]!["kept"]!.GetValue<bool>());
        Assert.Equal("/workspace", ImageConfigEditor.GetEnv(config, "DOCKER_CONFIG"));
        Assert.Equal(baseImage.Manifest.Layers, result.Manifest.Layers);
    }

    [Fact]
    public void Image_rejects_config_bytes_that_do_not_match_the_manifest()
    {
        var config = "{}"u8.ToArray();
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Sha256("{ }"u8), Size = 3 },
            Layers = [],
        };
        var error = Assert.Throws<ArgumentException>(() => new Image(OciJson.Serialize(manifest), config, []));
        Assert.Contains("do not match", error.Message);
    }

    [Fact]
    public void Timestamps_are_rfc3339_utc()
    {
        Assert.Equal("2026-11-25T10:00:00Z", ImageConfigEditor.FormatTimestamp(DateTimeOffset.Parse("2026-11-25T11:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("2026-11-25T10:00:00.5Z", ImageConfigEditor.FormatTimestamp(DateTimeOffset.Parse("2026-11-25T10:00:00.5Z", System.Globalization.CultureInfo.InvariantCulture)));
    }
}

[Tier(Tier.Unit)]
public class RetypedLayerTests
{
    private sealed class FakeRegistryLayer(ILayer inner) : IRegistryLayer
    {
        public Descriptor Descriptor => inner.Descriptor;
        public Digest DiffId => inner.DiffId;
        public string Registry => "registry.example:5000";
        public string Repository => "base/busybox";
        public Task<Stream> OpenCompressedAsync(CancellationToken ct = default) => inner.OpenCompressedAsync(ct);
    }

    [Fact]
    public async Task A_zstd_layer_converts_a_docker_base_to_oci_and_keeps_registry_origin_only_for_registry_layers()
    {
        using var dir = new TempDirectory();
        var local = await TestImages.SmallBaseAsync(dir.Combine("a"), MediaTypeFamily.Docker);
        var fromRegistry = new Image(local.ManifestBytes, local.ConfigBytes, [new FakeRegistryLayer(local.Layers[0])]);
        var zstd = await LayerBuilder.BuildAsync(new LayerSpec
        {
            Sources = [new FileSource("z.txt", "z"u8.ToArray(), (UnixFileMode)0x1A4)],
            Compression = LayerCompression.Zstd,
        }, dir.Combine("zstd"));

        var convertedLocal = ImageMutation.AppendLayer(local, zstd, new HistoryEntry());
        Assert.False(convertedLocal.Layers[0] is IRegistryLayer);
        Assert.Equal(MediaTypes.OciLayerGzip, convertedLocal.Layers[0].Descriptor.MediaType);

        var convertedRemote = ImageMutation.AppendLayer(fromRegistry, zstd, new HistoryEntry());
        Assert.Equal(MediaTypes.OciManifest, convertedRemote.Manifest.MediaType);
        var registryLayer = Assert.IsAssignableFrom<IRegistryLayer>(convertedRemote.Layers[0]);
        Assert.Equal("registry.example:5000", registryLayer.Registry);
        Assert.Equal("base/busybox", registryLayer.Repository);
        Assert.Equal(MediaTypes.OciLayerGzip, registryLayer.Descriptor.MediaType);
    }
}
