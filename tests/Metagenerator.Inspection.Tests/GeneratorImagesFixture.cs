using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Build;
using Metagenerator.Build.Tests;
using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.Inspection.Tests;

/// <summary>
/// One registry holding what the Model API would find: the seed and the extended fixture generators built by <c>build</c>
/// (buildah builder, busybox base), the model images their entrypoints built with the host's real buildah, and
/// repositories that are not models of theirs (a builder cache, an unlabelled image, an unrelated repository), and a
/// model tag holding an image index.
/// </summary>
public sealed class GeneratorImagesFixture : IAsyncLifetime
{
    public const string SeedCreated = "2026-11-30T01:09:41.803560+00:00";
    public const string ExtendedCreated = "2026-11-30T02:00:00+00:00";

    private readonly BuildahStore _store = new();
    private readonly TempDirectory _seedWorkspace = new("mg-inspect-seed");
    private readonly TempDirectory _extendedWorkspace = new("mg-inspect-extended");

    public LocalRegistry Registry { get; private set; } = null!;
    public string BaseRef { get; private set; } = null!;
    public GeneratorManifest Seed { get; private set; } = null!;
    public GeneratorManifest Extended { get; private set; } = null!;
    public GeneratorBuildResult SeedBuild { get; private set; } = null!;
    public GeneratorBuildResult ExtendedBuild { get; private set; } = null!;
    public string SeedRef => $"{Registry.Host}/example-generator:v3";
    public string ExtendedRef => $"{Registry.Host}/reformers-dt-wind-gen-fc:v1";

    public RegistryOptions Options => new() { InsecureRegistries = new HashSet<string> { Registry.Host } };

    public async Task InitializeAsync()
    {
        Registry = await LocalRegistry.StartAsync();
        BaseRef = $"{Registry.Host}/base/busybox:1";
        await _store.PushBusyboxBaseAsync(BaseRef);

        Seed = ManifestLoader.Load(TestModels.WriteManifest(_seedWorkspace, "seed-example", Registry.Host));
        _seedWorkspace.WriteFile("model-src/Dockerfile_model", $"FROM {BaseRef}\nARG GRID_DATA\n");
        SeedBuild = await BuildAsync(Seed, _seedWorkspace);
        Extended = ManifestLoader.Load(TestModels.WriteManifest(_extendedWorkspace, "realworld-extended", Registry.Host));
        _extendedWorkspace.WriteFile("model-src/Dockerfile", $"FROM {BaseRef}\nARG PARK_NAME\n");
        ExtendedBuild = await BuildAsync(Extended, _extendedWorkspace);

        await RunGeneratorAsync(SeedRef, "seed", new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "grid-a", ["MODEL_TAG"] = "v1", ["CREATED"] = SeedCreated, ["GRID_DATA"] = "/grid_data/other.json",
        });
        await RunGeneratorAsync(ExtendedRef, "extended", new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "wind-a", ["MODEL_TAG"] = "v2", ["CREATED"] = ExtendedCreated, ["PARK_NAME"] = "Borssele",
            ["MODEL_INFO"] = "Borssele park, 2026 scenario",
        });

        // Not models of example-generator:v3 as the Model API counts them: a builder cache below a model, an image
        // without model labels (listed, without parameters), and repositories of another generator or none.
        foreach (var repository in new[] { "example-generator/v3/grid-a/cache:x", "example-generator/v3/plain:v1", "example-generator/v4/grid-z:v1", "unrelated:1" })
            (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
                $"docker://{BaseRef}", $"docker://{Registry.Host}/{repository}"])).EnsureSuccess();
        // A model tag holding an image index (one linux/amd64 entry), which the Model API cannot read.
        await PushIndexAsync($"{Registry.Host}/example-generator/v3/multi:v1");
    }

    /// <summary>Pushes an OCI index over the base image's manifest to <paramref name="reference"/>, through an OCI layout and skopeo.</summary>
    private async Task PushIndexAsync(string reference)
    {
        var layout = _store.Work.Combine("index-layout");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", $"docker://{BaseRef}", $"oci:{layout}:single"])).EnsureSuccess();
        var indexPath = Path.Combine(layout, "index.json");
        var indexJson = JsonNode.Parse(await File.ReadAllTextAsync(indexPath))!;
        var single = indexJson["manifests"]!.AsArray().Single()!;
        var index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = single["mediaType"]!.GetValue<string>(), ["digest"] = single["digest"]!.GetValue<string>(), ["size"] = single["size"]!.GetValue<long>(),
                ["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" },
            }),
        }.ToJsonString());
        var digest = Digest.Sha256(index);
        await File.WriteAllBytesAsync(new OciLayout(layout).BlobPath(digest), index);
        indexJson["manifests"]!.AsArray().Add(new JsonObject
        {
            ["mediaType"] = MediaTypes.OciIndex, ["digest"] = digest.ToString(), ["size"] = index.Length,
            ["annotations"] = new JsonObject { [OciLayout.RefNameAnnotation] = "multi" },
        });
        await File.WriteAllTextAsync(indexPath, indexJson.ToJsonString());
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--all", "--dest-tls-verify=false", $"oci:{layout}:multi", $"docker://{reference}"])).EnsureSuccess();
    }

    private async Task<GeneratorBuildResult> BuildAsync(GeneratorManifest manifest, TempDirectory workspace) =>
        await GeneratorBuild.RunAsync(new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = workspace.Combine("model-src"), Builder = BuilderKind.Buildah },
            BaseImage = BaseRef,
            Registry = Options,
        });

    /// <summary>Unpacks the generator image and runs its entrypoint with busybox sh and the host's buildah, as GeneratorImageEndToEndTests does.</summary>
    private async Task RunGeneratorAsync(string generatorRef, string name, Dictionary<string, string?> environment)
    {
        var rootfs = Path.Combine(await ModelImageInspection.UnpackAsync(generatorRef, _store.Work.Path, name), "rootfs");
        environment["EXTRA_FLAGS"] = "--insecure-registry " + Registry.Host;
        environment["MODEL_BUILD_CONTEXT"] = Path.Combine(rootfs, "workspace", "model-src");
        environment["DOCKER_CONFIG"] = Path.Combine(rootfs, "workspace");
        var run = await _store.RunGeneratorAsync(Path.Combine(rootfs, "workspace", "generator.sh"), environment);
        Assert.True(run.ExitCode == 0, $"generator {generatorRef} failed:\n{run.StdOut}\n{run.StdErr}");
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        _store.Dispose();
        _seedWorkspace.Dispose();
        _extendedWorkspace.Dispose();
    }
}
