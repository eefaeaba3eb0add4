using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>Bad data in a registry: a bad base is a registry error naming it; a bad previous image at the destination only means nothing to reuse.</summary>
[Tier(Tier.Registry)]
public sealed class GeneratorBuildRegistryDataTests : IAsyncLifetime
{
    private LocalRegistry _registry = null!;
    private string _base = null!;

    public async Task InitializeAsync()
    {
        _registry = await LocalRegistry.StartAsync();
        _base = await TestImages.PushBaseAsync(_registry.Host, "generator-base", "1");
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private GeneratorBuildRequest Request(GeneratorManifest manifest, string modelSource) => new()
    {
        Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = modelSource },
        BaseImage = _base,
        Registry = new RegistryOptions { InsecureRegistries = new HashSet<string> { _registry.Host } },
    };

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_previous_image_whose_config_cannot_be_parsed_means_nothing_to_reuse()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", _registry.Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        var first = await GeneratorBuild.RunAsync(Request(manifest, source));
        var destination = Assert.Single(first.Pushed);
        await ReplaceConfigAsync(destination, config => config["rootfs"]!["diff_ids"]!.AsArray()[^1] = 42);
        var debug = new RecordedEvents();

        var second = await GeneratorBuild.RunAsync(Request(manifest, source), debug);

        Assert.Equal(first.Digest, second.Digest);
        Assert.DoesNotContain(second.NewLayers, l => l.Reused);
        Assert.Contains(debug.Debugs, l => l.StartsWith("nothing to reuse from") && l.Contains("diff_ids"));
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_base_layer_that_does_not_match_its_digest_is_a_registry_error_naming_the_base()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", _registry.Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        using (var client = new RegistryClient(Request(manifest, source).Registry))
        {
            var image = await new RegistryImageSource(client).ReadImageAsync(_base, Platform.LinuxAmd64);
            var layer = image.Layers[0].Descriptor.Digest;
            var stored = Path.Combine(_registry.StorageDirectory, "docker/registry/v2/blobs/sha256", layer.Hex[..2], layer.Hex, "data");
            var bytes = await File.ReadAllBytesAsync(stored);
            bytes[^10] ^= 0xff;
            await File.WriteAllBytesAsync(stored, bytes);
        }

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            GeneratorBuild.RunAsync(Request(manifest, source) with { Push = false, TarPath = dir.Combine("out.tar") }));

        Assert.Contains($"{_registry.Host}/generator-base", e.Message);
        Assert.Contains("digest", e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
    }

    /// <summary>Points <paramref name="reference"/>'s tag at the same image with its config changed by <paramref name="edit"/>.</summary>
    private async Task ReplaceConfigAsync(ImageReference reference, Action<JsonObject> edit)
    {
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = new HashSet<string> { _registry.Host } });
        var repository = client.Repository(reference.Registry, reference.Repository);
        var fetched = await repository.GetAsync(reference.Digest!.Value.ToString());
        var imageManifest = OciJson.ParseManifest(fetched.Bytes);
        var config = JsonNode.Parse(await repository.ReadAsync(imageManifest.Config))!.AsObject();
        edit(config);
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var descriptor = imageManifest.Config with { Digest = Digest.Sha256(configBytes), Size = configBytes.Length };
        await repository.UploadAsync(descriptor, _ => Task.FromResult<Stream>(new MemoryStream(configBytes)));
        await repository.PutAsync(reference.Tag!, OciJson.Serialize(imageManifest with { Config = descriptor }), imageManifest.MediaType);
    }
}
