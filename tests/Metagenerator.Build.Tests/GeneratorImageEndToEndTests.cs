using Metagenerator.TestSupport.Registry;
using System.Text.Json;
using Metagenerator.TestSupport;

using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>Issue 4's end-to-end flow, all real: <c>metagenerator build</c> makes the generator image (buildah builder) and
/// pushes it to a docker-registry; skopeo and umoci extract its root filesystem; its entrypoint runs there with busybox sh
/// and the host's real buildah, builds the model Dockerfile and pushes the model image, which skopeo and umoci inspect.</summary>
[Tier(Tier.Registry)]
public class GeneratorImageEndToEndTests
{
    private const string Created = "2026-11-25T10:00:00+00:00";

    [NeedsToolsFact("buildah", "busybox", "docker-registry", "skopeo", "umoci")]
    public async Task Generator_image_entrypoint_builds_and_pushes_the_model_image()
    {
        await using var registry = await LocalRegistry.StartAsync();
        using var store = new BuildahStore();
        var work = store.Work;
        var baseRef = $"{registry.Host}/base/busybox:1";
        await store.PushBusyboxBaseAsync(baseRef);

        // The model developer's workspace: the seed manifest (registries pointed at the test registry) and a model source.
        using var workspace = new TempDirectory("mg-e2e");
        var manifestPath = TestModels.WriteManifest(workspace, "seed-example", registry.Host);
        var manifest = ManifestLoader.Load(manifestPath);
        workspace.WriteFile("model-src/Dockerfile_model", $"""
            FROM {baseRef}
            ARG GRID_DATA
            ARG INPUT_STREAM
            ARG MODEL_NAME
            RUN mkdir -p /out && printf '%s' "$GRID_DATA" > /out/GRID_DATA && printf '%s' "$INPUT_STREAM" > /out/INPUT_STREAM && printf '%s' "$MODEL_NAME" > /out/MODEL_NAME
            COPY grid_data/grid.bin /out/grid.bin
            """);
        // A large file (over the threshold below): the generator image gets a large-file layer under the model-source layer.
        var grid = new byte[256 * 1024];
        new Random(11).NextBytes(grid);
        Directory.CreateDirectory(workspace.Combine("model-src", "grid_data"));
        File.WriteAllBytes(workspace.Combine("model-src", "grid_data", "grid.bin"), grid);
        var generatorRef = $"{registry.Host}/example-generator:v3";
        var built = await GeneratorBuild.RunAsync(new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = workspace.Combine("model-src"), Builder = BuilderKind.Buildah, LargeFileThreshold = 64 * 1024 },
            BaseImage = baseRef,
            Registry = new RegistryOptions { InsecureRegistries = new HashSet<string> { registry.Host } },
        });
        Assert.Equal($"{generatorRef}@{built.Digest}", Assert.Single(built.Pushed).ToString());
        Assert.Equal(3, built.NewLayers.Count); // the large file, the rest of the model source, the manifest and script

        // Extract the generator image and run its entrypoint from the extracted root filesystem.
        var bundle = await ModelImageInspection.UnpackAsync(generatorRef, work.Path, "generator");
        var rootfs = Path.Combine(bundle, "rootfs");
        using (var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "config.json"))))
        {
            var process = spec.RootElement.GetProperty("process");
            Assert.Equal(["/bin/sh", "/workspace/generator.sh"], process.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            Assert.Contains("MODEL_BUILD_CONTEXT=/workspace/model-src", process.GetProperty("env").EnumerateArray().Select(a => a.GetString()));
        }
        var run = await store.RunGeneratorAsync(Path.Combine(rootfs, "workspace", "generator.sh"), new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "grid-a",
            ["MODEL_TAG"] = "v1",
            ["CREATED"] = Created,
            ["GRID_DATA"] = "/grid_data/other.json",
            ["EXTRA_FLAGS"] = "--insecure-registry " + registry.Host,
            // The image's /workspace/model-src, found under the extracted root filesystem.
            ["MODEL_BUILD_CONTEXT"] = Path.Combine(rootfs, "workspace", "model-src"),
            ["DOCKER_CONFIG"] = Path.Combine(rootfs, "workspace"),
        });
        Assert.True(run.ExitCode == 0, $"generator failed:\n{run.StdOut}\n{run.StdErr}");

        var destination = $"{registry.Host}/example-generator/v3/grid-a:v1";
        Assert.EndsWith("generator: pushed " + destination + "\n", run.StdOut);
        ModelImageInspection.AssertContractLabels(await ModelImageInspection.LabelsAsync(destination), new Dictionary<string, string>
        {
            ["example-generator.v3.grid-a.v1.CONFIG_FILE"] = "/config/config.yml",
            ["example-generator.v3.grid-a.v1.GRID_DATA"] = "/grid_data/other.json",
            ["example-generator.v3.grid-a.v1.INPUT_STREAM"] = "reformers.metering_data.DUMMY1",
            ["example-generator.v3.grid-a.v1.OUTPUT_STREAM_BASE"] = "reformers.grid_sim.results",
            ["example-generator.v3.grid-a.v1.CREATED"] = Created,
        });
        var model = Path.Combine(await ModelImageInspection.UnpackAsync(destination, work.Path, "model"), "rootfs", "out");
        Assert.Equal("/grid_data/other.json", File.ReadAllText(Path.Combine(model, "GRID_DATA")));
        Assert.Equal("reformers.metering_data.DUMMY1", File.ReadAllText(Path.Combine(model, "INPUT_STREAM")));
        Assert.Equal("grid-a", File.ReadAllText(Path.Combine(model, "MODEL_NAME")));
        Assert.Equal(grid, File.ReadAllBytes(Path.Combine(model, "grid.bin")));
    }
}
