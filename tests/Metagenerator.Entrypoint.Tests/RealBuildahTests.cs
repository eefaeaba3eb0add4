using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The buildah generator script under busybox sh with the host's real buildah (vfs storage, chroot isolation),
/// building FROM a base in a local docker-registry and pushing the model image there.</summary>
[Tier(Tier.Registry)]
public class RealBuildahTests
{
    private const string Created = "2026-11-25T10:00:00+00:00";

    [NeedsToolsTheory("skopeo", "buildah", "busybox", "docker-registry", "umoci")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Builds_and_pushes_the_model_image_with_contract_labels_and_build_arguments(bool withCredentialsFile)
    {
        await using var registry = await LocalRegistry.StartAsync();
        using var store = new BuildahStore();
        var work = store.Work;
        var baseRef = $"{registry.Host}/base/busybox:1";
        await store.PushBusyboxBaseAsync(baseRef);

        var manifest = TestManifests.WithConfig(TestManifests.Seed(), "MODEL_REGISTRY", registry.Host);
        work.WriteFile("model-src/Dockerfile_model", $"""
            FROM {baseRef}
            ARG GENERATOR_NAME
            ARG MODEL_NAME
            ARG MODEL_TAG
            ARG GRID_DATA
            ARG CONFIG_FILE
            ARG MODEL_REGISTRY
            RUN mkdir -p /out && printf '%s' "$GENERATOR_NAME" > /out/GENERATOR_NAME && printf '%s' "$MODEL_NAME:$MODEL_TAG" > /out/MODEL && printf '%s' "$GRID_DATA" > /out/GRID_DATA && printf '%s' "$CONFIG_FILE" > /out/CONFIG_FILE && printf '%s' "$MODEL_REGISTRY" > /out/MODEL_REGISTRY
            """);
        var script = work.WriteFile("generator.sh", GeneratorScript.Render(manifest, BuilderKind.Buildah));
        const string gridData = "/grid data/it's $(not run) `either`.json";
        var env = new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "grid-a",
            ["MODEL_TAG"] = "v1",
            ["CREATED"] = Created,
            ["GRID_DATA"] = gridData,
            ["MODEL_INFO"] = "grid model, test run",
            ["EXTRA_FLAGS"] = "--skip-tls-verify",
            ["MODEL_BUILD_CONTEXT"] = work.Combine("model-src"),
            ["DOCKER_CONFIG"] = work.Combine("no-docker-config"),
            ["VERBOSITY"] = "warn",
        };
        if (withCredentialsFile)
        {
            // The registry needs no credentials; the file proves buildah accepts the --authfile the script passes.
            env["DOCKER_CONFIG"] = work.Path;
            work.WriteFile("config.json", "{\"auths\":{}}");
        }

        var run = await store.RunGeneratorAsync(script, env);

        Assert.True(run.ExitCode == 0, $"generator failed:\n{run.StdOut}\n{run.StdErr}");
        var destination = $"{registry.Host}/example-generator/v3/grid-a:v1";
        Assert.Contains("generator: pushed " + destination, run.StdOut);

        ModelImageInspection.AssertContractLabels(await ModelImageInspection.LabelsAsync(destination), new Dictionary<string, string>
        {
            ["example-generator.v3.grid-a.v1.CONFIG_FILE"] = "/config/config.yml",
            ["example-generator.v3.grid-a.v1.GRID_DATA"] = gridData,
            ["example-generator.v3.grid-a.v1.INPUT_STREAM"] = "reformers.metering_data.DUMMY1",
            ["example-generator.v3.grid-a.v1.OUTPUT_STREAM_BASE"] = "reformers.grid_sim.results",
            ["example-generator.v3.grid-a.v1.CREATED"] = Created,
            ["example-generator.v3.grid-a.v1.info"] = "grid model, test run",
        });

        // The files the RUN step wrote show the build arguments arrived.
        var bundle = await ModelImageInspection.UnpackAsync(destination, work.Path, "model");
        string Out(string name) => File.ReadAllText(Path.Combine(bundle, "rootfs", "out", name));
        Assert.Equal("example-generator", Out("GENERATOR_NAME"));
        Assert.Equal("grid-a:v1", Out("MODEL"));
        Assert.Equal(gridData, Out("GRID_DATA"));
        Assert.Equal("/config/config.yml", Out("CONFIG_FILE"));
        Assert.Equal(registry.Host, Out("MODEL_REGISTRY"));
    }

    [NeedsToolsFact("skopeo", "buildah", "busybox", "docker-registry", "umoci")]
    public async Task A_failing_build_pushes_nothing()
    {
        await using var registry = await LocalRegistry.StartAsync();
        using var store = new BuildahStore();
        var baseRef = $"{registry.Host}/base/busybox:1";
        await store.PushBusyboxBaseAsync(baseRef);
        var manifest = TestManifests.WithConfig(TestManifests.Seed(), "MODEL_REGISTRY", registry.Host);
        store.Work.WriteFile("model-src/Dockerfile_model", $"FROM {baseRef}\nRUN exit 7\n");
        var script = store.Work.WriteFile("generator.sh", GeneratorScript.Render(manifest, BuilderKind.Buildah));

        var run = await store.RunGeneratorAsync(script, new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "grid-a",
            ["MODEL_TAG"] = "v1",
            ["EXTRA_FLAGS"] = "--skip-tls-verify",
            ["MODEL_BUILD_CONTEXT"] = store.Work.Combine("model-src"),
        });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("generator: error: buildah bud failed with exit code", run.StdErr);
        Assert.DoesNotContain("running buildah push", run.StdOut);
        var inspect = await ExternalTool.RunAsync("skopeo", ["inspect", "--tls-verify=false", $"docker://{registry.Host}/example-generator/v3/grid-a:v1"]);
        Assert.NotEqual(0, inspect.ExitCode);
        Assert.Contains("manifest unknown", inspect.StdErr);
    }
}
