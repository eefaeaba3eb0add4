using System.Text.Json.Nodes;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.InProcess;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests.Unit;

/// <summary>
/// The reuse logic of a rebuild, against the in-process registry: a layer the destination already holds is taken from
/// it, not compressed or uploaded again. (Moved from GeneratorBuildTests, which pushes to the real docker-registry.)
/// </summary>
[Tier(Tier.Unit)]
public sealed class RebuildReuseUnitTests
{
    private const string Host = InProcessImages.Host;
    private readonly InProcessRegistry _registry = new();
    private readonly string _base;

    public RebuildReuseUnitTests() => _base = InProcessImages.SeedBase(_registry);

    private GeneratorBuildRequest Request(GeneratorManifest manifest, string modelSource, string destination) => new()
    {
        Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = modelSource },
        BaseImage = _base,
        Registry = new RegistryOptions { Transport = _registry },
        Destinations = [destination],
    };

    private int Uploads => _registry.Requests.Count(r => r.StartsWith("POST ", StringComparison.Ordinal) || r.StartsWith("PATCH ", StringComparison.Ordinal));

    [Fact]
    public async Task Rebuild_without_changes_gives_the_same_digest_and_uploads_no_blob()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        var first = await GeneratorBuild.RunAsync(Request(manifest, source, $"{Host}/rebuild/gen:v3"));
        var uploadsAfterFirst = Uploads;
        Assert.True(uploadsAfterFirst > 0, "the first build uploads the new layers and config");

        // A fresh checkout: new file times, same content.
        File.SetLastWriteTimeUtc(Path.Combine(source, "model/simulate.py"), DateTime.UtcNow.AddDays(-3));
        var second = await GeneratorBuild.RunAsync(Request(manifest, source, $"{Host}/rebuild/gen:v3"));

        Assert.Equal(first.Digest, second.Digest);
        Assert.All(first.NewLayers, l => Assert.False(l.Reused));
        Assert.All(second.NewLayers, l => Assert.True(l.Reused, $"unchanged layer '{l.Contents}' is taken from the destination, not compressed again"));
        Assert.Equal(uploadsAfterFirst, Uploads);
        ImageValidator.AssertValid(_registry, "rebuild/gen", "v3");
    }

    [Fact]
    public async Task Changed_small_file_uploads_only_the_small_files_layer_and_the_config()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        var first = await GeneratorBuild.RunAsync(Request(manifest, source, $"{Host}/onechange/gen:v3"));

        File.WriteAllText(Path.Combine(source, "model/simulate.py"), "print('simulating v2')\n");
        var events = new RecordedEvents();
        var second = await GeneratorBuild.RunAsync(Request(manifest, source, $"{Host}/onechange/gen:v3"), events);
        var uploaded = events.Transfers.Where(e => e.Kind == TransferKind.Uploaded).Select(e => e.Blob).ToList();

        Assert.NotEqual(first.Digest, second.Digest);
        var smallFiles = second.NewLayers.Single(l => l.Files.Contains("workspace/model-src/model/simulate.py"));
        Assert.False(smallFiles.Reused);
        Assert.All(second.NewLayers.Where(l => l != smallFiles), l => Assert.True(l.Reused, l.Contents));
        Assert.Equal(2, uploaded.Count);
        Assert.Contains(uploaded, d => d.Digest == smallFiles.Descriptor.Digest);
        Assert.Contains(uploaded, d => d.MediaType.Contains("config"));
        ImageValidator.AssertValid(_registry, "onechange/gen", "v3");
    }

    // Issue 18: a layer read from the destination carries the diffID its config states; a reused layer must carry the one
    // its layer record proves, because the destination's config is not trusted.
    [Fact]
    public async Task A_reused_layer_goes_into_the_new_config_with_its_proven_diff_id_not_the_one_the_destination_config_states()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        var request = Request(manifest, source, $"{Host}/lying-config/gen:v3");
        var first = await GeneratorBuild.RunAsync(request);
        // The tag now names an image whose blobs are the first build's, but whose config states another diffID for its top layer.
        LieAboutTopDiffId("lying-config/gen", "v3", Digest.Sha256("not the layer's tar"u8));

        var second = await GeneratorBuild.RunAsync(request);

        Assert.All(second.NewLayers, l => Assert.True(l.Reused, l.Contents));
        Assert.Equal(first.NewLayers.Select(l => l.DiffId), second.NewLayers.Select(l => l.DiffId));
        Assert.Equal(first.Digest, second.Digest);
        ImageValidator.AssertValid(_registry, "lying-config/gen", "v3");
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
