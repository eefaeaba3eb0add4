using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary><c>generate --from-manifest</c>: the generator image built from the local files, loaded into the engine, run
/// without a pull, and nothing pushed but the model image the generator itself pushes.</summary>
[Collection(EngineCollections.Generate)]
[Tier(Tier.Engine)]
public class GenerateFromManifestTests(EngineFixture fixture)
{
    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task A_local_manifest_is_built_loaded_and_run_without_pushing_the_generator()
    {
        using var ws = new ModelWorkspace(fixture.Registry.Host, "gen-local", "v1", "buildah", await fixture.BuildahBaseAsync(), await fixture.ModelBaseAsync());
        ws.AddConfigJson(fixture.ConfigJson);
        var before = await fixture.ContainersAsync(ws.GeneratorImage);

        var generate = await fixture.GenerateAsync(["--from-manifest", ws.Combine("GENERATOR-MANIFEST.yml"), "--model-src", ws.Combine("model-src"),
            "--model-name", "grid-a", "--model-tag", "v1", "--config", ws.Combine("config.json"),
            "--network", "host", "--security-opt", "seccomp=unconfined", "--skip-tls-verify"]);

        Assert.True(generate.ExitCode == 0, generate.StdOut + generate.StdErr);
        Assert.Contains($"generate: built {ws.GeneratorImage} (sha256:", generate.StdErr);
        Assert.Contains("loaded it into the engine; nothing pushed", generate.StdErr);
        Assert.DoesNotContain("pulling", generate.StdErr);
        Assert.Matches(@"status      finished: CREATED \S+\+00:00 equals the request's", generate.StdOut);
        Assert.True(await fixture.HasImageAsync(ws.GeneratorImage), "the generator image was not loaded into the engine");
        Assert.False(await RegistryInspection.ExistsAsync(ws.GeneratorImage), "the generator image was pushed");
        Assert.True(await RegistryInspection.ExistsAsync($"{ws.Registry}/gen-local/v1/grid-a:v1"));
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
    }
}
