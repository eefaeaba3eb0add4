using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// The repository's seed example (examples/example-generator: the seed schema, its model source unchanged) and the
/// real-world extended manifest (../shared/fixtures/realworld-extended, as copied into the manifest tests' TestData)
/// built into generators on the kaniko stand-in and run as the Model API runs them, with a cache volume. Only what
/// this machine forces is changed in them: the registries become the TLS test registry, <c>build.cache</c> names images
/// there (python images cannot be pulled here), and <c>build.base_image</c> names the stand-in pushed there.
/// </summary>
[Collection(EngineCollections.Kaniko)]
[Tier(Tier.Engine)]
public class KanikoRealManifestTests(EngineFixture fixture)
{
    private readonly KanikoRuns _kaniko = new(fixture);

    private static string WithBase(string manifest, string kanikoBase)
    {
        Assert.Contains("\n  build:\n", manifest);
        return manifest.Replace("\n  build:\n", $"\n  build:\n    base_image: {kanikoBase}\n");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [NeedsRealBuildersFact]
    public async Task The_seed_example_builds_its_model_under_kaniko()
    {
        var registry = fixture.Registry.Host;
        using var ws = new TempDirectory("mg-kaniko-seed");
        CopyDirectory(Path.Combine(EngineFixture.RepositoryRoot(), "examples", "example-generator"), ws.Path);
        var manifestPath = ws.Combine("GENERATOR-MANIFEST.yml");
        var manifest = await File.ReadAllTextAsync(manifestPath);
        Assert.Contains("      - python:3.10\n      - python:3.10-slim\n", manifest);
        manifest = manifest.Replace("localhost:5000", registry)
            .Replace("      - python:3.10\n      - python:3.10-slim\n", $"      - {await fixture.ModelBaseAsync()}\n      - {await fixture.DemoBaseAsync()}\n");
        await File.WriteAllTextAsync(manifestPath, WithBase(manifest, await fixture.KanikoBaseAsync()));
        var dockerfile = ws.Combine("model-src", "Dockerfile_model");
        await File.WriteAllTextAsync(dockerfile, (await File.ReadAllTextAsync(dockerfile)).Replace("localhost:5000", registry));
        File.Copy(fixture.ConfigJson, ws.Combine("config.json"));
        await _kaniko.PushGeneratorAsync(ws.Path);
        using var cache = new TempDirectory("mg-kaniko-cache");

        var run = await _kaniko.RunLikeModelApiAsync($"{registry}/example-generator:v3", new Dictionary<string, string?>
        {
            ["GRID_DATA"] = "/grid_data/other.json",
        }, ["-v", $"{cache.Path}:/cache"]);

        Assert.True(run.ExitCode == 0 && !run.StdErr.Contains("generator: error"), run.StdOut + run.StdErr);
        Assert.True(!run.StdErr.Contains("generator: warning"), run.StdOut + run.StdErr);
        // Both cache images warmed (the same image under two names: one file).
        Assert.Contains($"Found {await KanikoRuns.DigestAsync(await fixture.DemoBaseAsync())} in local cache", run.StdOut + run.StdErr);
        var destination = $"{registry}/example-generator/v3/grid-a:v1";
        const string prefix = "example-generator.v3.grid-a.v1.";
        Assert.Equal(
            [
                new(prefix + "CONFIG_FILE", "/config/config.yml"),
                new(prefix + "CREATED", GeneratorRuns.Created),
                new(prefix + "GRID_DATA", "/grid_data/other.json"),
                new(prefix + "STEPS", "042"),
            ],
            await KanikoRuns.LabelsUnderAsync(destination, prefix));
        // The model's own entrypoint prints the build arguments it was built with.
        var model = await fixture.RunAsync([destination]);
        Assert.True(model.ExitCode == 0, model.StdErr);
        Assert.Equal("CONFIG_FILE=/config/config.yml\nGRID_DATA=/grid_data/other.json\nSTEPS=042\n", model.StdOut);
        await KanikoRuns.AssertNoGeneratorFilesAsync(destination);
        Assert.DoesNotContain(await KanikoRuns.LayerPathsAsync(destination), p => p.EndsWith("debug.log", StringComparison.Ordinal));
    }

    [NeedsRealBuildersFact]
    public async Task The_seed_fixture_manifest_builds_its_model_under_kaniko()
    {
        var registry = fixture.Registry.Host;
        var modelBase = await fixture.ModelBaseAsync();
        using var ws = new TempDirectory("mg-kaniko-seedfixture");
        var manifest = await File.ReadAllTextAsync(Path.Combine(EngineFixture.RepositoryRoot(),
            "tests", "Metagenerator.Manifest.Tests", "TestData", "seed-example", "GENERATOR-MANIFEST.yml"));
        Assert.Contains("      - python:3.10\n      - python:3.10-slim\n", manifest);
        manifest = manifest.Replace("reformers-dev.ait.ac.at:8082", registry).Replace("reformers-dev.ait.ac.at:8083", registry)
            .Replace("      - python:3.10\n      - python:3.10-slim\n", $"      - {modelBase}\n");
        ws.WriteFile("GENERATOR-MANIFEST.yml", WithBase(manifest, await fixture.KanikoBaseAsync()));
        string[] parameters = ["CONFIG_FILE", "GRID_DATA", "INPUT_STREAM", "OUTPUT_STREAM_BASE"];
        ws.WriteFile("model-src/Dockerfile_model", ModelDockerfile(modelBase, parameters));
        File.Copy(fixture.ConfigJson, ws.Combine("config.json"));
        await _kaniko.PushGeneratorAsync(ws.Path);

        // The Model API's run, no cache volume.
        var run = await _kaniko.RunLikeModelApiAsync($"{registry}/example-generator:v3", new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "grid-b",
            ["INPUT_STREAM"] = "reformers.metering_data.DUMMY2",
        });

        Assert.True(run.ExitCode == 0 && !run.StdErr.Contains("generator: error"), run.StdOut + run.StdErr);
        var destination = $"{registry}/example-generator/v3/grid-b:v1";
        const string prefix = "example-generator.v3.grid-b.v1.";
        Assert.Equal(
            [
                new(prefix + "CONFIG_FILE", "/config/config.yml"),
                new(prefix + "CREATED", GeneratorRuns.Created),
                new(prefix + "GRID_DATA", "/grid_data/grid.json"),
                new(prefix + "INPUT_STREAM", "reformers.metering_data.DUMMY2"),
                new(prefix + "OUTPUT_STREAM_BASE", "reformers.grid_sim.results"),
            ],
            await KanikoRuns.LabelsUnderAsync(destination, prefix));
        Assert.Equal("CONFIG_FILE=/config/config.yml\nGRID_DATA=/grid_data/grid.json\nINPUT_STREAM=reformers.metering_data.DUMMY2\n"
            + "OUTPUT_STREAM_BASE=reformers.grid_sim.results\n", await BuildArgumentsAsync(destination));
        await KanikoRuns.AssertNoGeneratorFilesAsync(destination);
    }

    /// <summary>A model Dockerfile that writes each build argument into /out/NAME.</summary>
    private static string ModelDockerfile(string modelBase, string[] parameters) =>
        $"FROM {modelBase}\n" + string.Concat(parameters.Select(p => $"ARG {p}\n"))
        + "RUN mkdir -p /out" + string.Concat(parameters.Select(p => $" && printf '%s' \"${p}\" > /out/{p}")) + "\n";

    /// <summary>The build arguments the model image's RUN step saw, as NAME=VALUE lines (by running the model image).</summary>
    private async Task<string> BuildArgumentsAsync(string modelImage)
    {
        var show = await fixture.RunAsync([modelImage, "sh", "-c", "for f in /out/*; do printf '%s=%s\\n' \"${f#/out/}\" \"$(cat \"$f\")\"; done"]);
        Assert.True(show.ExitCode == 0, show.StdErr);
        return show.StdOut;
    }

    [NeedsRealBuildersFact]
    public async Task The_real_world_extended_manifest_builds_its_model_under_kaniko()
    {
        var registry = fixture.Registry.Host;
        var modelBase = await fixture.ModelBaseAsync();
        using var ws = new TempDirectory("mg-kaniko-extended");
        var manifest = await File.ReadAllTextAsync(Path.Combine(EngineFixture.RepositoryRoot(),
            "tests", "Metagenerator.Manifest.Tests", "TestData", "realworld-extended", "GENERATOR-MANIFEST.yml"));
        Assert.Contains("      - python:3.12-slim\n", manifest);
        manifest = manifest.Replace("reformers-dev.ait.ac.at:8082", registry).Replace("reformers-dev.ait.ac.at:8083", registry)
            .Replace("      - python:3.12-slim\n", $"      - {modelBase}\n");
        ws.WriteFile("GENERATOR-MANIFEST.yml", WithBase(manifest, await fixture.KanikoBaseAsync()));
        string[] parameters = ["DEFAULT_CONFIG_PARK", "DEFAULT_CONFIG_SIMULATION", "PARK_NAME", "SCENARIO", "REDIS_PASSWORD"];
        ws.WriteFile("model-src/Dockerfile", ModelDockerfile(modelBase, parameters));
        File.Copy(fixture.ConfigJson, ws.Combine("config.json"));
        await _kaniko.PushGeneratorAsync(ws.Path);
        using var cache = new TempDirectory("mg-kaniko-cache");

        var run = await _kaniko.RunLikeModelApiAsync($"{registry}/reformers-dt-wind-gen-fc:v1", new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "wind-a",
            ["MODEL_TAG"] = "v2",
            ["PARK_NAME"] = "Windpark Noord", // an override with a space in it
            ["MODEL_INFO"] = "Wind forecast, Alkmaar",
        }, ["-v", $"{cache.Path}:/cache"]);

        Assert.True(run.ExitCode == 0 && !run.StdErr.Contains("generator: error"), run.StdOut + run.StdErr);
        Assert.True(!run.StdErr.Contains("generator: warning"), run.StdOut + run.StdErr);
        Assert.Contains("  REDIS_PASSWORD=***", run.StdOut); // the summary masks it
        Assert.Contains($"Found {await KanikoRuns.DigestAsync(modelBase)} in local cache", run.StdOut + run.StdErr);
        var destination = $"{registry}/reformers-dt-wind-gen-fc/v1/wind-a:v2";
        const string prefix = "reformers-dt-wind-gen-fc.v1.wind-a.v2.";
        Assert.Equal(
            [
                new(prefix + "CREATED", GeneratorRuns.Created),
                new(prefix + "DEFAULT_CONFIG_PARK", "default-configs/park_alkmaar.yaml"),
                new(prefix + "DEFAULT_CONFIG_SIMULATION", "default-configs/simulation_alkmaar.yaml"),
                new(prefix + "PARK_NAME", "Windpark Noord"),
                new(prefix + "REDIS_PASSWORD", "r3f0rm3r5-w!nd-f0r3ca5t"),
                new(prefix + "SCENARIO", "BaselineAlkmaar"),
                new(prefix + "info", "Wind forecast, Alkmaar"),
                new(prefix + "parameters.KNOWLEDGE_GRAPH_ENABLED", "false"),
                new(prefix + "parameters.optional.KNOWLEDGE_GRAPH_ENDPOINT", "http://localhost:7200/repositories/REFORMERS"),
            ],
            await KanikoRuns.LabelsUnderAsync(destination, prefix));
        Assert.Equal("DEFAULT_CONFIG_PARK=default-configs/park_alkmaar.yaml\nDEFAULT_CONFIG_SIMULATION=default-configs/simulation_alkmaar.yaml\n"
            + "PARK_NAME=Windpark Noord\nREDIS_PASSWORD=r3f0rm3r5-w!nd-f0r3ca5t\nSCENARIO=BaselineAlkmaar\n", await BuildArgumentsAsync(destination));
        await KanikoRuns.AssertNoGeneratorFilesAsync(destination);
    }
}
