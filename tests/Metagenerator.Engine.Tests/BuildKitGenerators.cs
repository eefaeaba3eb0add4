using Metagenerator.TestSupport;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// BuildKit generator images on the BuildKit stand-in (<c>moby/buildkit:v0.18.2-rootless</c>), built and pushed by the
/// metagenerator image: the engine tests' extended workspace, or a real manifest (../shared/fixtures, as copied into the manifest tests' TestData) with its
/// registries pointed at the test registry.
/// </summary>
internal sealed class BuildKitGenerators(EngineFixture fixture)
{
    /// <summary>The engine tests' workspace (<see cref="ModelWorkspace"/>) with builder buildkit; <paramref name="edit"/> changes it before the build.</summary>
    public async Task<ModelWorkspace> PushAsync(string name, Action<ModelWorkspace>? edit = null)
    {
        var ws = new ModelWorkspace(fixture.Registry.Host, name, "v1", "buildkit", await fixture.BuildKitBaseAsync(), await fixture.ModelBaseAsync());
        edit?.Invoke(ws);
        await BuildAsync(ws);
        return ws;
    }

    /// <summary>
    /// A real manifest (<c>tests/Metagenerator.Manifest.Tests/TestData/FIXTURE/GENERATOR-MANIFEST.yml</c>, copied from ../shared/fixtures) with GENERATOR_REGISTRY/MODEL_REGISTRY
    /// set to the test registry, <c>build.builder: buildkit</c> on the stand-in, optionally more <c>config</c> keys, and a
    /// model Dockerfile that writes the build parameters it receives (one per line, in <paramref name="parameters"/>' order) to /out/args.
    /// </summary>
    public async Task<ModelWorkspace> PushFixtureAsync(string fixtureName, string generatorName, string version, string dockerfile,
        IReadOnlyList<string> parameters, IReadOnlyDictionary<string, string>? extraConfig = null)
    {
        var baseImage = await fixture.BuildKitBaseAsync();
        // The kaniko tests push the same fixtures under the same names: a registry path of their own keeps the generator
        // and model images apart (and the engine's local copy of one from standing in for the other).
        var registry = fixture.Registry.Host + "/buildkit";
        var ws = new ModelWorkspace(registry, generatorName, version, "buildkit", baseImage, await fixture.ModelBaseAsync());
        var text = File.ReadAllText(Path.Combine(SharedFixtures, fixtureName, "GENERATOR-MANIFEST.yml"))
            .Replace("reformers-dev.ait.ac.at:8082", registry)
            .Replace("reformers-dev.ait.ac.at:8083", registry)
            .Replace("\n  build:\n", $"\n  build:\n    builder: buildkit\n    base_image: {baseImage}\n");
        Assert.Contains("builder: buildkit", text);
        if (extraConfig is not null)
        {
            var configEnd = text.IndexOf("    MODEL_DOCKERFILE:", StringComparison.Ordinal);
            Assert.True(configEnd > 0, "the fixture's config has MODEL_DOCKERFILE");
            text = text.Insert(configEnd, string.Concat(extraConfig.Select(p => $"    {p.Key}: {p.Value}\n")));
        }
        File.WriteAllText(ws.Combine("GENERATOR-MANIFEST.yml"), text);
        File.WriteAllText(ws.Combine("model-src", dockerfile),
            $"FROM {await fixture.ModelBaseAsync()}\n"
            + string.Concat(parameters.Select(p => $"ARG {p}\n"))
            + "RUN mkdir -p /out && printf '%s\\n' " + string.Join(' ', parameters.Select(p => $"\"${p}\"")) + " > /out/args\n");
        await BuildAsync(ws);
        return ws;
    }

    /// <summary>The ecosystem's real manifests as copied into the repository (../shared/fixtures is not beside every clone).</summary>
    public static string SharedFixtures => Path.Combine(EngineFixture.RepositoryRoot(), "tests", "Metagenerator.Manifest.Tests", "TestData");

    /// <summary>The lines the model image's RUN step wrote to /out/args, and whether the image holds any generator file.</summary>
    public async Task<(string Args, bool HasWorkspace)> ModelContentAsync(string modelImage)
    {
        var show = await fixture.RunAsync([modelImage, "sh", "-c", "cat /out/args; echo ---; ls /"]);
        Assert.True(show.ExitCode == 0, show.StdErr);
        var parts = show.StdOut.Split("---\n");
        return (parts[0], parts[1].Split('\n').Contains("workspace"));
    }

    private async Task BuildAsync(ModelWorkspace ws)
    {
        await fixture.MetageneratorImageAsync();
        ws.AddConfigJson(fixture.ConfigJson);
        var build = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", $"{fixture.CaBundle}:/etc/ssl/certs/ca-certificates.crt:ro",
            EngineFixture.MetageneratorImage]);
        Assert.True(build.ExitCode == 0, build.StdOut + build.StdErr);
    }
}
