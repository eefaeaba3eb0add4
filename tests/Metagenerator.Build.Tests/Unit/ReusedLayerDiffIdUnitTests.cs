using System.Text.Json.Nodes;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.InProcess;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests.Unit;

/// <summary>
/// Issue 18: a layer carries its diffID, and a layer read from the destination carries the one its config states. A
/// reused layer must carry the diffID its layer record proves instead: the destination's config is not trusted.
/// </summary>
[Tier(Tier.Unit)]
public sealed class ReusedLayerDiffIdUnitTests
{
    private const string Host = InProcessImages.Host;
    private readonly InProcessRegistry _registry = new();
    private readonly string _base;

    public ReusedLayerDiffIdUnitTests() => _base = InProcessImages.SeedBase(_registry);

    [Fact]
    public async Task A_reused_layer_goes_into_the_new_config_with_its_proven_diff_id_not_the_one_the_destination_config_states()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        var request = new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = source },
            BaseImage = _base,
            Registry = new RegistryOptions { Transport = _registry },
        };
        // The primary destination (GENERATOR_REGISTRY/NAME:VERSION) is the one a rebuild reuses layers from.
        var destination = GeneratorBuild.Destinations(request)[0];
        var first = await GeneratorBuild.RunAsync(request);
        // The tag now names an image whose blobs are the first build's, but whose config states another diffID for its top layer.
        var lie = Digest.Sha256("not the layer's tar"u8);
        LieAboutTopDiffId(destination.Repository, destination.Tag!, lie);

        var second = await GeneratorBuild.RunAsync(request);

        Assert.All(second.NewLayers, l => Assert.True(l.Reused, l.Contents));
        Assert.Equal(first.NewLayers.Select(l => l.DiffId), second.NewLayers.Select(l => l.DiffId));
        Assert.Equal(first.Digest, second.Digest);
        ImageValidator.AssertValid(_registry, destination.Repository, destination.Tag!);
    }

    private void LieAboutTopDiffId(string repository, string tag, Digest lie)
    {
        var (bytes, mediaType, _) = _registry.Manifest(repository, tag)!.Value;
        var manifest = JsonNode.Parse(bytes)!.AsObject();
        var config = JsonNode.Parse(_registry.Blob(Digest.Parse(manifest["config"]!["digest"]!.GetValue<string>()))!)!.AsObject();
        config["rootfs"]!["diff_ids"]!.AsArray()[^1] = lie.ToString();
        var configBytes = OciJson.Serialize(config);
        manifest["config"]!["digest"] = _registry.PutBlob(repository, configBytes).ToString();
        manifest["config"]!["size"] = configBytes.Length;
        _registry.PutManifest(repository, OciJson.Serialize(manifest), mediaType, tag);
    }
}
