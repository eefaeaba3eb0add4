using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.Oci.Images;
using Metagenerator.TestSupport.InProcess;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests.Unit;

/// <summary>
/// Issue 18: an image read from a registry is an <see cref="Image"/>, checked as every image is (the config's diff_ids
/// by <see cref="Image.FromManifestAndConfig"/>, no longer by the registry's own data check), and its layers carry the
/// config's diffIDs. Inconsistent registry data is a <see cref="RegistryException"/> naming the image, at read time.
/// </summary>
[Tier(Tier.Unit)]
public sealed class RegistryImageConsistencyUnitTests
{
    private readonly InProcessSetup _setup = new();

    [Fact]
    public async Task Each_registry_layer_carries_the_config_diff_id_at_its_index()
    {
        using var client = _setup.Client();

        var image = await new RegistryImageSource(client).ReadImageAsync(_setup.BaseRef, Platform.LinuxAmd64);

        var diffIds = JsonNode.Parse(image.ConfigBytes.Span)!["rootfs"]!["diff_ids"]!.AsArray().Select(d => Digest.Parse(d!.GetValue<string>())).ToList();
        Assert.Single(diffIds);
        Assert.Equal(diffIds, image.Layers.Select(l => l.DiffId));
        Assert.IsType<RegistryLayer>(image.Layers[0]);
    }

    [Fact]
    public async Task A_config_whose_diff_id_is_not_a_digest_is_refused_when_read()
    {
        using var client = _setup.Client();
        var reference = await RepublishAsync(client, "baddiffid", config => config["rootfs"]!["diff_ids"]!.AsArray()[0] = 42);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync(reference, Platform.LinuxAmd64));

        Assert.Contains($"reading {reference}: the registry sent an inconsistent image", e.Message);
        Assert.Contains("the config's rootfs.diff_ids[0] is 42, not a digest", e.Message);
        Assert.Equal(InProcessSetup.Host, e.Registry);
    }

    [Fact]
    public async Task A_config_listing_fewer_diff_ids_than_the_manifest_has_layers_is_refused_when_read()
    {
        using var client = _setup.Client();
        var reference = await RepublishAsync(client, "short", config => config["rootfs"]!["diff_ids"] = new JsonArray());

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync(reference, Platform.LinuxAmd64));

        Assert.Contains($"reading {reference}", e.Message);
        Assert.Contains("rootfs.diff_ids lists 0 layers but the manifest has 1", e.Message);
    }

    [Fact]
    public async Task A_config_without_rootfs_is_refused_when_read()
    {
        using var client = _setup.Client();
        var reference = await RepublishAsync(client, "norootfs", config => config.Remove("rootfs"));

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync(reference, Platform.LinuxAmd64));

        Assert.Contains("the config's rootfs is missing or not an object", e.Message);
    }

    /// <summary>Stores the base image with an edited config as <paramref name="repository"/>:1 (its media type as the base's); returns its reference.</summary>
    private async Task<string> RepublishAsync(RegistryClient client, string repository, Action<JsonObject> editConfig)
    {
        var baseImage = await new RegistryImageSource(client).ReadImageAsync(_setup.BaseRef, Platform.LinuxAmd64);
        foreach (var layer in baseImage.Layers)
        {
            await using var stream = await layer.OpenCompressedAsync();
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            _setup.Registry.PutBlob(repository, bytes.ToArray());
        }
        var config = Image.ParseConfig(baseImage.ConfigBytes);
        editConfig(config);
        var configBytes = OciJson.Serialize(config);
        _setup.Registry.PutBlob(repository, configBytes);
        var manifest = baseImage.Manifest with { Config = baseImage.Manifest.Config with { Digest = Digest.Sha256(configBytes), Size = configBytes.Length } };
        _setup.Registry.PutManifest(repository, OciJson.Serialize(manifest), baseImage.Manifest.MediaType, "1");
        return $"{InProcessSetup.Host}/{repository}:1";
    }
}
