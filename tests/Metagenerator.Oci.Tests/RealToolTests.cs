using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>What we write is read by tools we did not write: skopeo, umoci, podman.</summary>
[Tier(Tier.Tools)]
public class RealToolTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static void CreateModelSource(TempDirectory dir)
    {
        dir.WriteFile("model-src/Dockerfile", "FROM busybox\nCOPY . /app\n");
        dir.WriteFile("model-src/.dockerignore", "*.log\nsecrets/\n!secrets/public.pem\n");
        dir.WriteFile("model-src/app/main.py", "print('model')\n");
        dir.WriteFile("model-src/app/run.sh", "#!/bin/sh\nexec python main.py\n");
        File.SetUnixFileMode(dir.Combine("model-src/app/run.sh"), (UnixFileMode)0b111_000_000);
        dir.WriteFile("model-src/train.log", "noise");
        dir.WriteFile("model-src/secrets/key.pem", "PRIVATE");
        dir.WriteFile("model-src/secrets/public.pem", "PUBLIC");
        File.CreateSymbolicLink(dir.Combine("model-src/app/entry.py"), "main.py");
    }

    private static async Task<IImage> BuildGeneratorImageAsync(TempDirectory dir, IImage baseImage, LayerCompression compression = LayerCompression.Gzip)
    {
        var layer = await LayerBuilder.BuildAsync(new LayerSpec
        {
            Sources =
            [
                new DirectorySource(dir.Combine("model-src"), "workspace/model-src", UseDockerignore: true),
                new FileSource("GENERATOR-MANIFEST.yml", "name: example\n"u8.ToArray(), (UnixFileMode)0x1A4),
                new FileSource("workspace/generator.sh", "#!/bin/sh\necho generating\n"u8.ToArray(), (UnixFileMode)0x1ED),
            ],
            Compression = compression,
            ModificationTime = Created,
        }, dir.Combine("layers"));
        var appended = ImageMutation.AppendLayer(baseImage, layer, new HistoryEntry { Created = Created, CreatedBy = "metagenerator build" });
        return ImageMutation.EditConfig(appended, c =>
        {
            ImageConfigEditor.SetCreated(c, Created);
            ImageConfigEditor.SetWorkingDir(c, "/workspace");
            ImageConfigEditor.SetEnv(c, "MODEL_BUILD_CONTEXT", "/workspace/model-src");
            ImageConfigEditor.SetEnv(c, "DOCKER_CONFIG", "/workspace");
            ImageConfigEditor.SetEntrypoint(c, ["/workspace/generator.sh"]);
            ImageConfigEditor.SetCmd(c, null);
            ImageConfigEditor.AddLabels(c, new Dictionary<string, string> { ["org.example.generator"] = "v3" });
        });
    }

    private static async Task<JsonNode> SkopeoJsonAsync(params string[] args) =>
        JsonNode.Parse((await ExternalTool.RunAsync("skopeo", args)).EnsureSuccess().StdOut)!;

    [NeedsToolsFact("skopeo", "umoci", "podman")]
    public async Task Generator_image_in_an_oci_layout_reads_with_skopeo_and_unpacks_with_umoci()
    {
        using var dir = new TempDirectory("mg-tools");
        CreateModelSource(dir);
        var layoutDir = dir.Combine("layout");
        await TestImages.CreateBusyboxLayoutAsync(layoutDir, "base");
        var layout = new OciLayout(layoutDir);
        var baseImage = await layout.ReadImageAsync("base", Platform.LinuxAmd64);

        var image = await BuildGeneratorImageAsync(dir, baseImage);
        await layout.WriteImageAsync(image, ["gen"]);

        var inspect = await SkopeoJsonAsync("inspect", $"oci:{layoutDir}:gen");
        Assert.Equal(baseImage.Layers.Count + 1, inspect["Layers"]!.AsArray().Count);
        Assert.Equal("v3", inspect["Labels"]!["org.example.generator"]!.GetValue<string>());
        Assert.Contains("MODEL_BUILD_CONTEXT=/workspace/model-src", inspect["Env"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(image.Digest.ToString(), inspect["Digest"]!.GetValue<string>());
        var config = await SkopeoJsonAsync("inspect", "--config", $"oci:{layoutDir}:gen");
        Assert.Equal("/workspace", config["config"]!["WorkingDir"]!.GetValue<string>());
        Assert.Equal("/workspace/generator.sh", config["config"]!["Entrypoint"]![0]!.GetValue<string>());

        var bundle = dir.Combine("bundle");
        (await ExternalTool.RunAsync("umoci", ["unpack", "--rootless", "--image", $"{layoutDir}:gen", bundle])).EnsureSuccess();
        var rootfs = Path.Combine(bundle, "rootfs");
        Assert.True(File.Exists(Path.Combine(rootfs, "bin", "busybox")));
        Assert.Equal("print('model')\n", File.ReadAllText(Path.Combine(rootfs, "workspace/model-src/app/main.py")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(rootfs, "workspace/model-src/app/run.sh")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(rootfs, "workspace/model-src/app/main.py")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(rootfs, "workspace/generator.sh")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(rootfs, "workspace/model-src")));
        Assert.Equal("main.py", new FileInfo(Path.Combine(rootfs, "workspace/model-src/app/entry.py")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(rootfs, "workspace/model-src/Dockerfile")));
        Assert.True(File.Exists(Path.Combine(rootfs, "workspace/model-src/.dockerignore")));
        Assert.True(File.Exists(Path.Combine(rootfs, "GENERATOR-MANIFEST.yml")));
        Assert.True(File.Exists(Path.Combine(rootfs, "workspace/model-src/secrets/public.pem")));
        Assert.False(File.Exists(Path.Combine(rootfs, "workspace/model-src/secrets/key.pem")));
        Assert.False(File.Exists(Path.Combine(rootfs, "workspace/model-src/train.log")));
    }

    [NeedsToolsFact("skopeo", "umoci", "podman")]
    public async Task Zstd_generator_image_has_the_oci_zstd_media_type_and_inspects_with_skopeo()
    {
        using var dir = new TempDirectory("mg-tools");
        CreateModelSource(dir);
        var layoutDir = dir.Combine("layout");
        await TestImages.CreateBusyboxLayoutAsync(layoutDir, "base");
        var layout = new OciLayout(layoutDir);
        var image = await BuildGeneratorImageAsync(dir, await layout.ReadImageAsync("base", Platform.LinuxAmd64), LayerCompression.Zstd);
        await layout.WriteImageAsync(image, ["zstd"]);

        var raw = await SkopeoJsonAsync("inspect", "--raw", $"oci:{layoutDir}:zstd");
        Assert.Equal(MediaTypes.OciLayerZstd, raw["layers"]![1]!["mediaType"]!.GetValue<string>());
        var inspect = await SkopeoJsonAsync("inspect", $"oci:{layoutDir}:zstd");
        Assert.Equal(2, inspect["Layers"]!.AsArray().Count);
        // skopeo can read the zstd blob back (copy decompresses nothing, but verifies digests).
        (await ExternalTool.RunAsync("skopeo", ["copy", $"oci:{layoutDir}:zstd", $"dir:{dir.Combine("copy")}"])).EnsureSuccess();
    }

    [NeedsToolsTheory("skopeo", "umoci", "podman")]
    [InlineData(MediaTypeFamily.Oci)]
    [InlineData(MediaTypeFamily.Docker)]
    public async Task Docker_archive_reads_with_skopeo_and_loads_with_podman(MediaTypeFamily family)
    {
        using var dir = new TempDirectory("mg-tools");
        CreateModelSource(dir);
        var baseImage = await TestImages.SmallBaseAsync(dir.Combine("base"), family);
        var image = await BuildGeneratorImageAsync(dir, baseImage);
        Assert.Equal(family == MediaTypeFamily.Docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest, image.Manifest.MediaType);

        var archive = dir.Combine("out", "image.tar");
        await new DockerArchiveSink(archive).WriteImageAsync(image, ["localhost:5000/example-generator:v3"]);

        var inspect = await SkopeoJsonAsync("inspect", $"docker-archive:{archive}");
        Assert.Equal(2, inspect["Layers"]!.AsArray().Count);
        Assert.Equal("v3", inspect["Labels"]!["org.example.generator"]!.GetValue<string>());
        // The same file is an OCI archive too (Docker 25+ layout).
        await SkopeoJsonAsync("inspect", $"oci-archive:{archive}");

        var podman = ExternalTool.Find("podman");
        Assert.True(podman is not null, "podman is not installed (apt-get install podman); it is needed to check that `podman load` accepts the archive");
        string[] storage = ["--storage-driver", "vfs", "--root", dir.Combine("podman-root"), "--runroot", dir.Combine("podman-run")];
        (await ExternalTool.RunAsync(podman!, [.. storage, "load", "-i", archive])).EnsureSuccess();
        var images = (await ExternalTool.RunAsync(podman!, [.. storage, "images", "--format", "{{.Repository}}:{{.Tag}}"])).EnsureSuccess();
        Assert.Contains("localhost:5000/example-generator:v3", images.StdOut);
        var config = JsonNode.Parse((await ExternalTool.RunAsync(podman!, [.. storage, "image", "inspect", "localhost:5000/example-generator:v3"])).EnsureSuccess().StdOut)!;
        Assert.Equal("/workspace", config[0]!["Config"]!["WorkingDir"]!.GetValue<string>());
        (await ExternalTool.RunAsync(podman!, [.. storage, "rmi", "-a", "-f"])).EnsureSuccess();
    }

    [NeedsToolsTheory("skopeo", "umoci", "podman")]
    [InlineData("localhost:5000/example-generator:v3", "localhost:5000/example-generator:v3")]
    [InlineData("busybox", "busybox:latest")]
    [InlineData("docker.io/library/busybox:1.36", "busybox:1.36")]
    [InlineData("docker.io/acme/tool:2", "acme/tool:2")]
    public void Repo_tags_use_docker_short_names(string reference, string expected) =>
        Assert.Equal(expected, DockerArchiveSink.RepoTag(reference));
}
