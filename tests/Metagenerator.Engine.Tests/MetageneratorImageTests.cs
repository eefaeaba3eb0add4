using Metagenerator.TestSupport;
using Xunit.Abstractions;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// docs/contracts.md §5 for real: the image built by <c>docker build -t metagenerator .</c>, run by a Docker engine with the
/// seed's documented command lines. Additions the environment forces are named where they appear: <c>--network host</c>
/// (the registry listens on the host's 127.0.0.1) and the registry's private CA mounted as the container's CA bundle
/// (a user with a private registry CA does the same).
/// </summary>
[Collection(EngineCollections.Image)]
[Tier(Tier.Engine)]
public class MetageneratorImageTests(EngineFixture fixture, ITestOutputHelper output)
{
    private const string Image = EngineFixture.MetageneratorImage;
    private string TrustRegistryCa => $"{fixture.CaBundle}:/etc/ssl/certs/ca-certificates.crt:ro";

    private async Task<ModelWorkspace> WorkspaceAsync(string name, string manifestName = "GENERATOR-MANIFEST.yml", string modelSource = "model-src")
    {
        await fixture.MetageneratorImageAsync();
        var modelBase = await fixture.ModelBaseAsync();
        // The busybox model base doubles as a small generator base: the generator script runs under its sh.
        return new ModelWorkspace(fixture.Registry.Host, name, "v1", "buildah", modelBase, modelBase, manifestName, modelSource);
    }

    private static string LastLine(string text) => text.TrimEnd('\n').Split('\n')[^1];

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task No_arguments_build_the_workspace_defaults_and_push_them()
    {
        using var ws = await WorkspaceAsync("seed-defaults");
        ws.AddConfigJson(fixture.ConfigJson);

        var run = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", TrustRegistryCa, Image]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Matches($"^{ws.GeneratorImage}@sha256:[0-9a-f]{{64}}$", LastLine(run.StdOut));
        var labels = await RegistryInspection.LabelsAsync(ws.GeneratorImage);
        Assert.Equal("Dockerfile_model", labels["seed-defaults.v1.config.MODEL_DOCKERFILE"]);
        Assert.Equal("/grid_data/default.json", labels["seed-defaults.v1.generation_parameters.GRID_DATA.default"]);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Two_arguments_name_the_manifest_and_the_model_source_inside_the_workspace()
    {
        using var ws = await WorkspaceAsync("seed-custom", manifestName: "manifests/grid.yml", modelSource: "grid-src");
        ws.AddConfigJson(fixture.ConfigJson);

        var run = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", TrustRegistryCa, Image, "manifests/grid.yml", "grid-src"]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.StartsWith(ws.GeneratorImage + "@sha256:", LastLine(run.StdOut));

        // The defaults are not there in this workspace: without the names the error says which file is missing.
        var defaults = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", TrustRegistryCa, Image]);
        Assert.Equal(2, defaults.ExitCode);
        Assert.Contains("/workspace/GENERATOR-MANIFEST.yml", defaults.StdErr);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Config_json_mounted_from_elsewhere_gives_the_credentials()
    {
        using var ws = await WorkspaceAsync("seed-config");
        using var elsewhere = new TempDirectory("mg-cfg");
        var config = elsewhere.WriteFile("my-config.json", File.ReadAllText(fixture.ConfigJson));

        var withoutCredentials = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", TrustRegistryCa, Image]);
        Assert.Equal(3, withoutCredentials.ExitCode);
        Assert.Contains(fixture.Registry.Host, withoutCredentials.StdErr);
        Assert.DoesNotContain("   at ", withoutCredentials.StdErr); // a message, not a stack trace

        var run = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", $"{config}:/workspace/config.json", "-v", TrustRegistryCa, Image]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.StartsWith(ws.GeneratorImage + "@sha256:", LastLine(run.StdOut));
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Extra_flags_from_the_environment_reach_build()
    {
        using var ws = await WorkspaceAsync("seed-extra");
        ws.AddConfigJson(fixture.ConfigJson);

        // No CA mounted: the registry's certificate is not trusted until EXTRA_FLAGS says to skip verification.
        var verified = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", Image]);
        Assert.Equal(3, verified.ExitCode);
        Assert.Contains(fixture.Registry.Host, verified.StdErr);

        // EXTRA_FLAGS="--skip-tls-verify" docker run --rm -v <DIR>:/workspace --env EXTRA_FLAGS metagenerator
        var run = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "--env", "EXTRA_FLAGS", Image],
            new Dictionary<string, string?> { ["EXTRA_FLAGS"] = "--skip-tls-verify" });
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.StartsWith(ws.GeneratorImage + "@sha256:", LastLine(run.StdOut));
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Tar_path_without_push_gives_an_archive_that_docker_loads_and_runs()
    {
        using var ws = await WorkspaceAsync("seed-tar");
        ws.AddConfigJson(fixture.ConfigJson);

        // EXTRA_FLAGS="--tar-path /build/image.tar --no-push" docker run ... -v $PWD/build:/build ...  (build/ does not exist yet)
        var run = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", $"{ws.Combine("build")}:/build", "-v", TrustRegistryCa, "--env", "EXTRA_FLAGS", Image],
            new Dictionary<string, string?> { ["EXTRA_FLAGS"] = "--tar-path /build/image.tar --no-push" });
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Matches("^sha256:[0-9a-f]{64}$", LastLine(run.StdOut));
        Assert.False(await RegistryInspection.ExistsAsync(ws.GeneratorImage), "--no-push pushed the image");

        // docker image load -i build/image.tar, from the directory the user ran in.
        var load = await fixture.Engine.DockerAsync(["image", "load", "-i", "build/image.tar"], workingDirectory: ws.Path);
        Assert.True(load.ExitCode == 0, load.StdErr);
        Assert.Contains(ws.GeneratorImage, load.StdOut);

        // The loaded generator image runs: its entrypoint lists the model's parameters.
        var help = await fixture.Engine.DockerAsync(["run", "--rm", ws.GeneratorImage, "help"]);
        Assert.True(help.ExitCode == 0, help.StdOut + help.StdErr);
        Assert.Contains("GRID_DATA", help.StdOut);
        Assert.Contains("/grid_data/default.json", help.StdOut);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Help_explains_the_image_and_the_build_flags()
    {
        await fixture.MetageneratorImageAsync();
        foreach (var word in new[] { "help", "--help" })
        {
            var help = await fixture.RunAsync([Image, word]);
            Assert.True(help.ExitCode == 0, help.StdErr);
            Assert.Contains("docker run --rm -v DIR:/workspace metagenerator", help.StdOut);
            Assert.Contains("--tar-path", help.StdOut);
            Assert.Contains("MANIFEST", help.StdOut);
        }
        var validateHelp = await fixture.RunAsync([Image, "help", "validate"]);
        Assert.True(validateHelp.ExitCode == 0, validateHelp.StdErr);
        Assert.Contains("--model-src", validateHelp.StdOut);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Validate_labels_render_generator_and_init_are_reachable()
    {
        using var ws = await WorkspaceAsync("seed-other");
        string[] mount = ["-v", $"{ws.Path}:/workspace"];

        var validate = await fixture.RunAsync([.. mount, Image, "validate", "--model-src", "model-src"]);
        Assert.True(validate.ExitCode == 0, validate.StdOut + validate.StdErr);

        var labels = await fixture.RunAsync([.. mount, Image, "labels"]);
        Assert.True(labels.ExitCode == 0, labels.StdErr);
        Assert.Contains($"seed-other.v1.config.MODEL_REGISTRY={fixture.Registry.Host}\n", labels.StdOut);

        var script = await fixture.RunAsync([.. mount, Image, "render-generator", "--builder", "docker"]);
        Assert.True(script.ExitCode == 0, script.StdErr);
        Assert.StartsWith("#!", script.StdOut);

        using var empty = new TempDirectory("mg-init");
        var init = await fixture.RunAsync(["-v", $"{empty.Path}:/workspace", Image, "init"]);
        Assert.True(init.ExitCode == 0, init.StdErr);
        Assert.True(File.Exists(empty.Combine("GENERATOR-MANIFEST.yml")));

        var invalid = await fixture.RunAsync([.. mount, Image, "validate", "no-such.yml"]);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("no-such.yml", invalid.StdErr);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task With_user_the_files_written_belong_to_the_caller()
    {
        using var ws = await WorkspaceAsync("seed-user");
        ws.AddConfigJson(fixture.ConfigJson);
        using var outDir = new TempDirectory("mg-out");
        const int Uid = 4321;
        await ExternalTool.RunCheckedAsync("chown", $"{Uid}:{Uid}", outDir.Path);
        // The workspace is world-readable, as a checkout usually is; mkdtemp made it 0700.
        await ExternalTool.RunCheckedAsync("chmod", "-R", "a+rX", ws.Path);

        var run = await fixture.RunAsync(["--user", $"{Uid}:{Uid}", "-v", $"{ws.Path}:/workspace", "-v", $"{outDir.Path}:/out", "-v", TrustRegistryCa,
            "-e", "EXTRA_FLAGS=--no-push --tar-path /out/image.tar --digest-file /out/digest", Image]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        foreach (var file in new[] { "image.tar", "digest" })
        {
            var owner = (await ExternalTool.RunCheckedAsync("stat", "-c", "%u:%g", outDir.Combine(file))).StdOut.Trim();
            Assert.Equal($"{Uid}:{Uid}", owner);
        }
        Assert.StartsWith("sha256:", File.ReadAllText(outDir.Combine("digest")));
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task The_image_is_small()
    {
        await fixture.MetageneratorImageAsync();
        var reference = $"{fixture.Registry.Host}/metagenerator:size";
        await fixture.Engine.DockerCheckedAsync("tag", Image, reference);
        (await fixture.Engine.DockerAsync(["push", reference])).EnsureSuccess();

        var (layers, config) = await RegistryInspection.SizesAsync(reference);
        var total = layers.Sum() + config;
        output.WriteLine($"metagenerator image, compressed as pushed: {total} bytes ({total / 1e6:F1} MB); layers: {string.Join(", ", layers)}; config {config}");
        foreach (var (step, time) in fixture.Timings) output.WriteLine($"{step}: {time.TotalSeconds:F0} s");
        foreach (var line in fixture.Engine.UnpackLog) output.WriteLine(line);
        // Issue 9: at most 25 MB compressed (here over the stand-in of the chiseled base, itself larger than the original).
        Assert.True(total <= 25_000_000, $"the image is {total} bytes compressed");
    }
}
