using System.Text.Json;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// `build` against a real docker-registry, checked with skopeo and umoci: what the issue calls "the generator image".
/// </summary>
[Tier(Tier.Registry)]
public sealed class GeneratorBuildTests : IClassFixture<PlainRegistryWithBase>, IAsyncDisposable
{
    private readonly LocalRegistry _registry;
    // The registry is shared by the class (each test pushes to its own repository); the counting proxy is the test's own.
    private readonly FaultProxy _proxy;
    private readonly string _base;

    public GeneratorBuildTests(PlainRegistryWithBase shared)
    {
        _registry = shared.Registry;
        // Counting proxy in front of the registry: every request of the build goes through it.
        _proxy = FaultProxy.Start(_registry.Port);
        _base = $"{_registry.Host}/base:1";
    }

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    private GeneratorBuildRequest Request(GeneratorManifest manifest, string modelSource, string? baseImage = null) => new()
    {
        Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = modelSource },
        BaseImage = baseImage ?? _base.Replace(_registry.Host, _proxy.Host),
        Registry = new RegistryOptions { InsecureRegistries = new HashSet<string> { _proxy.Host } },
    };

    [NeedsToolsTheory("skopeo", "umoci", "podman", "mkfifo", "docker-registry")]
    [InlineData("seed-example", "example-generator", "v3")]
    [InlineData("realworld-extended", "reformers-dt-wind-gen-fc", "v1")]
    public async Task Pushes_base_plus_source_and_manifest_layers_with_labels_entrypoint_env_and_workdir(string fixture, string name, string version)
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, fixture, _proxy.Host));
        var source = TestModels.WriteModelSource(dir, manifest);

        var result = await GeneratorBuild.RunAsync(Request(manifest, source));

        var reference = $"{_registry.Host}/{name}:{version}";
        Assert.Equal($"{_proxy.Host}/{name}:{version}@{result.Digest}", Assert.Single(result.Pushed).ToString());
        using var inspect = JsonDocument.Parse((await TestImages.InspectAsync(reference)).EnsureSuccess().StdOut);
        var root = inspect.RootElement;
        Assert.Equal(result.Digest.ToString(), root.GetProperty("Digest").GetString());
        using var baseInspect = JsonDocument.Parse((await TestImages.InspectAsync(_base)).EnsureSuccess().StdOut);
        var baseLayers = baseInspect.RootElement.GetProperty("Layers").GetArrayLength();
        // No file reaches the large-file threshold: one layer for the model source, one for the manifest and script.
        Assert.Equal(baseLayers + 2, root.GetProperty("Layers").GetArrayLength());
        Assert.Equal(2, result.NewLayers.Count);

        var labels = root.GetProperty("Labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        foreach (var (key, value) in manifest.Labels) Assert.Equal(value, labels[key]);
        Assert.Equal(name, labels["org.opencontainers.image.title"]);

        using var config = JsonDocument.Parse((await ExternalTool.RunAsync("skopeo", ["inspect", "--config", "--tls-verify=false", $"docker://{reference}"])).EnsureSuccess().StdOut);
        var runtime = config.RootElement.GetProperty("config");
        Assert.Equal("/workspace", runtime.GetProperty("WorkingDir").GetString());
        // The default builder is kaniko, whose debug image has its shell at /busybox/sh.
        Assert.Equal(["/busybox/sh", "/workspace/generator.sh"], runtime.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.False(runtime.TryGetProperty("Cmd", out var cmd) && cmd.ValueKind == JsonValueKind.Array, "the base's Cmd must not reach the script as arguments");
        var env = runtime.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("MODEL_BUILD_CONTEXT=/workspace/model-src", env);
        Assert.Contains("DOCKER_CONFIG=/workspace", env);
        Assert.Contains("PATH=/bin", env); // the base's env survives
        Assert.Equal("1970-01-01T00:00:01Z", config.RootElement.GetProperty("created").GetString());
    }

    [NeedsToolsFact("skopeo", "umoci", "podman", "mkfifo", "docker-registry")]
    public async Task Unpacked_image_holds_the_model_source_manifest_and_script_with_their_modes()
    {
        using var dir = new TempDirectory();
        // A name of its own: the seed's example-generator:v3 is the push test's repository on the shared registry.
        var manifestPath = TestModels.WriteManifest(dir, "seed-example", _proxy.Host, name: "unpacked-generator");
        var manifest = ManifestLoader.Load(manifestPath);
        var source = TestModels.WriteModelSource(dir, manifest);
        await GeneratorBuild.RunAsync(Request(manifest, source));

        var layout = dir.Combine("copied");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", $"docker://{_registry.Host}/unpacked-generator:v3", $"oci:{layout}:v3"])).EnsureSuccess();
        var bundle = dir.Combine("bundle");
        (await ExternalTool.RunAsync("umoci", ["unpack", "--rootless", "--image", $"{layout}:v3", bundle])).EnsureSuccess();
        var rootfs = Path.Combine(bundle, "rootfs");

        Assert.Equal(File.ReadAllBytes(manifestPath), File.ReadAllBytes(Path.Combine(rootfs, "GENERATOR-MANIFEST.yml")));
        Assert.Equal("print('simulating')\n", File.ReadAllText(Path.Combine(rootfs, "workspace/model-src/model/simulate.py")));
        Assert.Equal("FROM base\nCOPY . /model\n", File.ReadAllText(Path.Combine(rootfs, "workspace/model-src/Dockerfile_model")));
        Assert.True(File.Exists(Path.Combine(rootfs, "workspace/model-src/.dockerignore")));
        Assert.True(File.Exists(Path.Combine(rootfs, "bin/busybox")), "the base layer is there");

        var script = Path.Combine(rootfs, "workspace/generator.sh");
        Assert.StartsWith("#!/bin/sh", File.ReadAllText(script));
        Assert.Equal("rwxr-xr-x", Mode(script));
        Assert.Equal("rw-r--r--", Mode(Path.Combine(rootfs, "GENERATOR-MANIFEST.yml")));
        Assert.Equal("rwxr-xr-x", Mode(Path.Combine(rootfs, "workspace/model-src/run.sh")));
        Assert.Equal("rw-r--r--", Mode(Path.Combine(rootfs, "workspace/model-src/model/simulate.py")));
        Assert.Equal("model/simulate.py", new FileInfo(Path.Combine(rootfs, "workspace/model-src/latest.py")).LinkTarget);

        Assert.False(File.Exists(Path.Combine(rootfs, "workspace/model-src/debug.log")), ".dockerignore: *.log");
        Assert.False(Directory.Exists(Path.Combine(rootfs, "workspace/model-src/scratch")), ".dockerignore: scratch/");
    }

    [NeedsToolsFact("skopeo", "umoci", "podman", "mkfifo", "docker-registry")]
    public async Task Oci_layout_and_docker_archive_outputs_are_readable_by_skopeo_and_podman()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", _proxy.Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        var layout = dir.Combine("out-layout");
        var tar = dir.Combine("image.tar");

        var result = await GeneratorBuild.RunAsync(Request(manifest, source) with { Push = false, OciLayout = layout, TarPath = tar });

        Assert.Empty(result.Pushed);
        using var fromLayout = JsonDocument.Parse((await ExternalTool.RunAsync("skopeo", ["inspect", $"oci:{layout}:v3"])).EnsureSuccess().StdOut);
        Assert.Equal(result.Digest.ToString(), fromLayout.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("v3", fromLayout.RootElement.GetProperty("Labels").GetProperty("org.opencontainers.image.version").GetString());

        using var store = new TempDirectory("mg-podman");
        var podman = await ExternalTool.RunAsync("podman", ["--root", store.Combine("root"), "--runroot", store.Combine("run"), "--storage-driver", "vfs", "load", "-i", tar]);
        podman.EnsureSuccess();
        Assert.Contains("example-generator:v3", podman.StdOut + podman.StdErr);
        // Nothing was pushed with --no-push: every request of the build went through this test's proxy, none wrote.
        Assert.NotEmpty(_proxy.Requests);
        Assert.DoesNotContain(_proxy.Requests, r => r.Method is "PUT" or "POST" or "PATCH");
    }

    [NeedsToolsFact("skopeo", "umoci", "podman", "mkfifo", "docker-registry")]
    public async Task Base_image_from_an_oci_layout_works_like_one_from_a_registry()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", _proxy.Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        var baseLayout = await TestImages.BaseLayoutAsync();

        var layoutOut = dir.Combine("from-layout");
        var registryOut = dir.Combine("from-registry");
        await GeneratorBuild.RunAsync(Request(manifest, source, $"oci:{baseLayout}:{TestImages.BaseTag}") with { Push = false, OciLayout = layoutOut });
        await GeneratorBuild.RunAsync(Request(manifest, source) with { Push = false, OciLayout = registryOut });

        // skopeo copied the layout into the registry unchanged, so both bases are the same image: the same config and
        // layers. The manifests differ only in that a registry base is also named (a layout has no registry name).
        var fromLayout = await new OciLayout(layoutOut).ReadImageAsync(manifest.Version, Platform.LinuxAmd64);
        var fromRegistry = await new OciLayout(registryOut).ReadImageAsync(manifest.Version, Platform.LinuxAmd64);
        Assert.Equal(fromRegistry.Manifest.Config, fromLayout.Manifest.Config);
        Assert.Equal(fromRegistry.Manifest.Layers, fromLayout.Manifest.Layers);
        var layoutAnnotations = fromLayout.Manifest.Annotations!;
        var registryAnnotations = fromRegistry.Manifest.Annotations!;
        Assert.Equal(registryAnnotations[GeneratorImageAssembler.BaseDigestAnnotation], layoutAnnotations[GeneratorImageAssembler.BaseDigestAnnotation]);
        Assert.Equal(_base.Replace(_registry.Host, _proxy.Host), registryAnnotations[GeneratorImageAssembler.BaseNameAnnotation]);
        Assert.False(layoutAnnotations.ContainsKey(GeneratorImageAssembler.BaseNameAnnotation));
    }

    [NeedsToolsFact("skopeo", "umoci", "podman", "mkfifo", "docker-registry")]
    public async Task Special_files_in_the_model_source_are_errors_naming_the_file()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", _proxy.Host));
        var source = TestModels.WriteModelSource(dir, manifest);
        (await ExternalTool.RunAsync("mkfifo", [Path.Combine(source, "pipe")])).EnsureSuccess();

        var e = await Assert.ThrowsAsync<LayerBuildException>(() => GeneratorBuild.RunAsync(Request(manifest, source)));
        // "pipe" alone would match "named pipe" whether or not the file is named: the path is what proves it.
        Assert.Equal(Path.Combine(source, "pipe"), e.Path);
        Assert.Contains(Path.Combine(source, "pipe"), e.Message);
        // Nothing was pushed (the registry is shared by the class, the proxy is this test's own).
        Assert.DoesNotContain(_proxy.Requests, r => r.Method is "PUT" && r.Path.Contains("/manifests/", StringComparison.Ordinal));
    }

    private static string Mode(string path)
    {
        var mode = File.GetUnixFileMode(path);
        char Bit(UnixFileMode m, char c) => (mode & m) != 0 ? c : '-';
        return string.Concat(
            Bit(UnixFileMode.UserRead, 'r'), Bit(UnixFileMode.UserWrite, 'w'), Bit(UnixFileMode.UserExecute, 'x'),
            Bit(UnixFileMode.GroupRead, 'r'), Bit(UnixFileMode.GroupWrite, 'w'), Bit(UnixFileMode.GroupExecute, 'x'),
            Bit(UnixFileMode.OtherRead, 'r'), Bit(UnixFileMode.OtherWrite, 'w'), Bit(UnixFileMode.OtherExecute, 'x'));
    }
}
