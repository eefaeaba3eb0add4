using System.Text.Json.Nodes;
using Metagenerator.Entrypoint;
using Metagenerator.Inspection;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// Issue 10 item 4: the Model API reads a tag's manifest and then <c>config.digest</c>, so a generator image is one image
/// manifest whatever the base is. A multi-platform base (an OCI index in a layout, or a Docker manifest list in a
/// registry) gives a single-manifest generator image of the chosen platform, in the base's media-type family.
/// </summary>
[Tier(Tier.Registry)]
public sealed class MultiPlatformBaseTests(RegistryWithMultiPlatformBase shared) : IClassFixture<RegistryWithMultiPlatformBase>
{
    // The registry and the bases are made once for the class; each test builds a generator of its own name, so it
    // pushes to a repository of its own.
    private readonly LocalRegistry _registry = shared.Registry;
    private readonly string _layout = shared.Layout;

    private RegistryOptions Options => new() { InsecureRegistries = new HashSet<string> { _registry.Host } };

    /// <summary>Builds the seed manifest as generator <paramref name="name"/> at <paramref name="version"/> and reads back what was pushed.</summary>
    private async Task<(ManifestResponse Pushed, JsonNode Config)> BuildAsync(string baseImage, Platform platform, string name, string version)
    {
        using var workspace = new TempDirectory("mg-multi-ws");
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(workspace, "seed-example", _registry.Host, version, name));
        TestModels.WriteModelSource(workspace, manifest);
        await GeneratorBuild.RunAsync(new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = workspace.Combine("model-src"), Builder = BuilderKind.Buildah },
            BaseImage = baseImage,
            Platform = platform,
            Registry = Options,
        });

        using var client = new RegistryClient(Options);
        var repository = client.Repository(_registry.Host, name);
        var pushed = await repository.GetAsync(version);
        var parsed = OciJson.ParseManifest(pushed.Bytes);
        var config = JsonNode.Parse(await repository.ReadAsync(parsed.Config))!;
        return (pushed, config);
    }

    [NeedsToolsFact("skopeo", "umoci", "busybox", "docker-registry")]
    public async Task An_oci_index_base_gives_a_single_oci_image_manifest_of_the_chosen_platform()
    {
        var (pushed, config) = await BuildAsync($"oci:{_layout}:multi", Platform.LinuxAmd64, "multi-oci", "v-oci");

        Assert.Equal(MediaTypes.OciManifest, pushed.MediaType);
        Assert.Equal(MediaTypes.OciConfig, OciJson.ParseManifest(pushed.Bytes).Config.MediaType);
        Assert.Equal("amd64", config["architecture"]!.GetValue<string>());
        // What the Model API does with the tag: manifest, then config.digest, then the labels.
        using var client = new RegistryClient(Options);
        var inspection = await new GeneratorInspector(client).InspectAsync($"{_registry.Host}/multi-oci:v-oci");
        Assert.Equal("multi-oci", inspection.Generator.Name);
    }

    [NeedsToolsFact("skopeo", "umoci", "busybox", "docker-registry")]
    public async Task A_docker_manifest_list_base_gives_a_single_docker_schema2_manifest_of_the_chosen_platform()
    {
        var (pushed, config) = await BuildAsync($"{_registry.Host}/base/multi:docker", Platform.Parse("linux/arm64"), "multi-docker", "v-docker");

        Assert.Equal(MediaTypes.DockerManifest, pushed.MediaType);
        var manifest = OciJson.ParseManifest(pushed.Bytes);
        Assert.Equal(MediaTypes.DockerConfig, manifest.Config.MediaType);
        Assert.All(manifest.Layers, l => Assert.Equal(MediaTypes.DockerLayerGzip, l.MediaType));
        Assert.Null(manifest.Annotations); // schema 2 has no annotations: the base is not named there
        Assert.Equal("arm64", config["architecture"]!.GetValue<string>());
    }

    [NeedsToolsFact("skopeo", "umoci", "busybox", "docker-registry")]
    public async Task Inspecting_the_index_itself_says_it_is_not_a_generator_image()
    {
        using var client = new RegistryClient(Options);
        var inspector = new GeneratorInspector(client);

        var fromRegistry = await Assert.ThrowsAsync<NotAGeneratorImageException>(() => inspector.InspectAsync($"{_registry.Host}/base/multi:docker"));
        var fromLayout = await Assert.ThrowsAsync<NotAGeneratorImageException>(() => inspector.InspectAsync($"oci:{_layout}:multi"));

        Assert.Contains("is an image index", fromRegistry.Message);
        Assert.Contains("is an image index", fromLayout.Message);
    }
}

/// <summary>
/// A class fixture: one plain-HTTP real registry holding <c>base/multi:docker</c>, a Docker manifest list of a
/// linux/amd64 and a linux/arm64 busybox image, and <see cref="Layout"/>, an OCI layout whose tag <c>multi</c> is the
/// same as an OCI index.
/// </summary>
public sealed class RegistryWithMultiPlatformBase : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("mg-multi-platform");

    /// <summary>The registry.</summary>
    public LocalRegistry Registry { get; private set; } = null!;

    /// <summary>The OCI layout holding the index as tag <c>multi</c>.</summary>
    public string Layout { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Registry = await LocalRegistry.StartAsync();
        Layout = await MultiPlatformLayoutAsync();
        // The same index in a registry, converted to a Docker manifest list (schema 2) by skopeo.
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--all", "--format", "v2s2", "--dest-tls-verify=false",
            $"oci:{Layout}:multi", $"docker://{Registry.Host}/base/multi:docker"])).EnsureSuccess();
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>An OCI layout whose tag <c>multi</c> is an index of a linux/amd64 and a linux/arm64 busybox image (made with umoci).</summary>
    private async Task<string> MultiPlatformLayoutAsync()
    {
        var layout = _dir.Combine("layout");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", $"oci:{await TestImages.BaseLayoutAsync()}:{TestImages.BaseTag}", $"oci:{layout}:amd64"])).EnsureSuccess();
        var arm = $"{layout}:arm64";
        (await ExternalTool.RunAsync("umoci", ["new", "--image", arm])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["insert", "--image", arm, ExternalTool.Require("busybox"), "/bin/busybox"])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["config", "--image", arm, "--os", "linux", "--architecture", "arm64", "--config.entrypoint", "/bin/busybox"])).EnsureSuccess();

        var oci = new OciLayout(layout);
        var entries = (await oci.ReadIndexAsync())!.Manifests;
        var platformEntries = new JsonArray();
        foreach (var entry in entries)
        {
            var manifest = OciJson.ParseManifest(await File.ReadAllBytesAsync(oci.BlobPath(entry.Digest)));
            var config = JsonNode.Parse(await File.ReadAllBytesAsync(oci.BlobPath(manifest.Config.Digest)))!;
            platformEntries.Add(new JsonObject
            {
                ["mediaType"] = entry.MediaType, ["digest"] = entry.Digest.ToString(), ["size"] = entry.Size,
                ["platform"] = new JsonObject { ["architecture"] = config["architecture"]!.GetValue<string>(), ["os"] = config["os"]!.GetValue<string>() },
            });
        }
        var index = System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = platformEntries }.ToJsonString());
        var indexDigest = Digest.Sha256(index);
        await File.WriteAllBytesAsync(oci.BlobPath(indexDigest), index);
        var indexJson = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")))!;
        indexJson["manifests"]!.AsArray().Add(new JsonObject
        {
            ["mediaType"] = MediaTypes.OciIndex, ["digest"] = indexDigest.ToString(), ["size"] = index.Length,
            ["annotations"] = new JsonObject { [OciLayout.RefNameAnnotation] = "multi" },
        });
        await File.WriteAllTextAsync(Path.Combine(layout, "index.json"), indexJson.ToJsonString());
        return layout;
    }
}
