using System.Text.Json;
using Metagenerator.TestSupport;

namespace Metagenerator.Generator.Tests;

/// <summary>The end-to-end flow with the generator image assembled by buildah in the test (the lead's
/// <c>metagenerator build</c> replaces that one step): push the generator image, extract its root filesystem with skopeo
/// and umoci, run its entrypoint there with busybox sh and the host's real buildah, and inspect the model image.</summary>
public class GeneratorImageEndToEndTests
{
    private const string Created = "2026-11-25T10:00:00+00:00";

    [Fact]
    public async Task Generator_image_entrypoint_builds_and_pushes_the_model_image()
    {
        await using var registry = await LocalRegistry.StartAsync();
        using var store = new BuildahStore();
        var work = store.Work;
        var baseRef = $"{registry.Host}/base/busybox:1";
        await store.PushBusyboxBaseAsync(baseRef);

        // Generator image content: the entrypoint script, the model source and the manifest (issue 3's one layer).
        var manifest = TestManifests.WithConfig(TestManifests.Seed(), "MODEL_REGISTRY", registry.Host);
        var content = work.Combine("generator-content");
        var script = Path.Combine(content, "workspace", "generator.sh");
        Directory.CreateDirectory(Path.Combine(content, "workspace", "model-src"));
        File.WriteAllText(script, GeneratorScript.Render(manifest, BuilderKind.Buildah));
        File.WriteAllBytes(Path.Combine(content, "GENERATOR-MANIFEST.yml"), manifest.SourceBytes.ToArray());
        File.WriteAllText(Path.Combine(content, "workspace", "model-src", "Dockerfile_model"), $"""
            FROM {baseRef}
            ARG GRID_DATA
            ARG INPUT_STREAM
            ARG MODEL_NAME
            RUN mkdir -p /out && printf '%s' "$GRID_DATA" > /out/GRID_DATA && printf '%s' "$INPUT_STREAM" > /out/INPUT_STREAM && printf '%s' "$MODEL_NAME" > /out/MODEL_NAME
            """);
        var generatorRef = $"{registry.Host}/example-generator:v3";
        await BuildGeneratorImageWithBuildahAsync(store, baseRef, content, generatorRef);

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
    }

    /// <summary>Stand-in for <c>metagenerator build</c>: base + one layer + the generator config, pushed with buildah.</summary>
    private static async Task BuildGeneratorImageWithBuildahAsync(BuildahStore store, string baseRef, string content, string reference)
    {
        var tar = store.Work.Combine("generator-layer.tar");
        (await ExternalTool.RunAsync("tar", ["-C", content, "-cf", tar, "."])).EnsureSuccess();
        async Task<string> Buildah(params string[] args) =>
            (await ExternalTool.RunAsync("buildah", ["--storage-driver", "vfs", .. args], store.Work.Path, store.Environment)).EnsureSuccess().StdOut.Trim();
        var container = await Buildah("from", "--tls-verify=false", baseRef);
        await Buildah("add", container, tar, "/");
        await Buildah("config", "--workingdir", "/workspace", "--env", "MODEL_BUILD_CONTEXT=/workspace/model-src",
            "--env", "DOCKER_CONFIG=/workspace", "--entrypoint", "[\"/bin/sh\",\"/workspace/generator.sh\"]", "--cmd", "", container);
        await Buildah("commit", container, "mg-test-generator");
        await Buildah("rm", container);
        await Buildah("push", "--tls-verify=false", "mg-test-generator", "docker://" + reference);
    }
}
