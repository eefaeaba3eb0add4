using System.Text.Json.Nodes;
using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// The generator image's OCI manifest names its own base (<c>org.opencontainers.image.base.name</c> and <c>.digest</c>),
/// and none of the base manifest's annotations, which describe the base (its own base, its creation time).
/// Read back with <c>skopeo inspect --raw</c>.
/// </summary>
[Tier(Tier.Registry)]
public sealed class BaseAnnotationTests(RegistryWithAnnotatedBase shared) : IClassFixture<RegistryWithAnnotatedBase>
{
    // The registry and the annotated base are made once for the class; each test builds a generator of its own name,
    // so it pushes to a repository of its own.
    private readonly LocalRegistry _registry = shared.Registry;
    private readonly string _layout = shared.Layout;
    private readonly string _baseDigest = shared.BaseDigest;

    private RegistryOptions Options => new() { InsecureRegistries = new HashSet<string> { _registry.Host } };

    private readonly string _registryBase = shared.RegistryBase;

    /// <summary>Builds the seed manifest as generator <paramref name="name"/> at <paramref name="version"/> and reads back its manifest.</summary>
    private async Task<JsonNode> BuildAndReadManifestAsync(string baseImage, string name, string version)
    {
        using var workspace = new TempDirectory("mg-base-annotations-ws");
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(workspace, "seed-example", _registry.Host, version, name));
        TestModels.WriteModelSource(workspace, manifest);
        await GeneratorBuild.RunAsync(new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = workspace.Combine("model-src"), Builder = BuilderKind.Buildah },
            BaseImage = baseImage,
            Registry = Options,
        });
        var raw = await ExternalTool.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/{name}:{version}"]);
        raw.EnsureSuccess();
        return JsonNode.Parse(raw.StdOut)!;
    }

    private static Dictionary<string, string> Annotations(JsonNode manifest) =>
        manifest["annotations"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    [NeedsToolsFact("skopeo", "umoci", "docker-registry")]
    public async Task A_registry_base_is_named_by_its_full_reference_and_manifest_digest()
    {
        // Precondition: the base as the registry serves it carries its own annotations.
        var baseRaw = await ExternalTool.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{_registryBase}"]);
        baseRaw.EnsureSuccess();
        Assert.Equal("2020-01-01T00:00:00Z", Annotations(JsonNode.Parse(baseRaw.StdOut)!)["org.opencontainers.image.created"]);

        var manifest = await BuildAndReadManifestAsync(_registryBase, "annotated-registry-base", "v-registry");

        Assert.Equal(MediaTypes.OciManifest, manifest["mediaType"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["org.opencontainers.image.base.digest"] = _baseDigest,
            ["org.opencontainers.image.base.name"] = _registryBase,
        }, Annotations(manifest));
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry")]
    public async Task A_layout_base_has_no_registry_name_so_only_its_digest_is_recorded()
    {
        var manifest = await BuildAndReadManifestAsync($"oci:{_layout}:{RegistryWithAnnotatedBase.BaseTag}", "annotated-layout-base", "v-layout");

        Assert.Equal(new Dictionary<string, string> { ["org.opencontainers.image.base.digest"] = _baseDigest }, Annotations(manifest));
    }
}

/// <summary>
/// A class fixture: an OCI layout (<see cref="Layout"/>, tag <see cref="BaseTag"/>) holding the test base with annotations
/// of its own on its manifest, as published base images carry, and one plain-HTTP real registry holding the same image
/// as <see cref="RegistryBase"/>.
/// </summary>
public sealed class RegistryWithAnnotatedBase : IAsyncLifetime
{
    /// <summary>The base's tag in <see cref="Layout"/>.</summary>
    public const string BaseTag = "annotated";

    private readonly TempDirectory _dir = new("mg-base-annotations");

    /// <summary>The registry.</summary>
    public LocalRegistry Registry { get; private set; } = null!;

    /// <summary>The OCI layout holding the annotated base.</summary>
    public string Layout { get; private set; } = null!;

    /// <summary>The annotated base manifest's digest.</summary>
    public string BaseDigest { get; private set; } = null!;

    /// <summary>The annotated base in <see cref="Registry"/>.</summary>
    public string RegistryBase => $"{Registry.Host}/base/annotated:1";

    public async Task InitializeAsync()
    {
        Registry = await LocalRegistry.StartAsync();
        Layout = _dir.Combine("layout");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", $"oci:{await TestImages.BaseLayoutAsync()}:{TestImages.BaseTag}", $"oci:{Layout}:{BaseTag}"])).EnsureSuccess();
        BaseDigest = await AnnotateBaseAsync();
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", $"oci:{Layout}:{BaseTag}", $"docker://{RegistryBase}"])).EnsureSuccess();
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Gives the layout's base manifest annotations of its own, as published base images carry; returns its new digest.</summary>
    private async Task<string> AnnotateBaseAsync()
    {
        var layout = new OciLayout(Layout);
        var indexPath = Path.Combine(Layout, "index.json");
        var index = JsonNode.Parse(await File.ReadAllTextAsync(indexPath))!;
        var entry = index["manifests"]!.AsArray().Single()!;
        var manifest = JsonNode.Parse(await File.ReadAllBytesAsync(layout.BlobPath(Digest.Parse(entry["digest"]!.GetValue<string>()))))!;
        manifest["annotations"] = new JsonObject
        {
            ["org.opencontainers.image.base.name"] = "docker.io/library/debian:11",
            ["org.opencontainers.image.created"] = "2020-01-01T00:00:00Z",
        };
        var bytes = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var digest = Digest.Sha256(bytes);
        await File.WriteAllBytesAsync(layout.BlobPath(digest), bytes);
        entry["digest"] = digest.ToString();
        entry["size"] = bytes.Length;
        await File.WriteAllTextAsync(indexPath, index.ToJsonString());
        return digest.ToString();
    }
}
