using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Engine.Tests;

/// <summary>
/// A generator image built by <c>metagenerator build</c> (the metagenerator image) and run by the engine exactly as
/// the Model API runs it, plus only what its builder cannot do without: buildah needs the seccomp relaxation
/// <see cref="GeneratorRuns.BuildahLeastPrivilege"/>, docker needs the engine's socket. (kaniko, the default builder,
/// and a remote BuildKit need neither; kaniko's run is in KanikoModelApiRunTests.)
/// </summary>
[Collection(EngineCollections.Image)]
[Tier(Tier.Engine)]
public class ModelApiRunTests(EngineFixture fixture)
{
    private readonly GeneratorRuns _runs = new(fixture);

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Buildah_generator_builds_and_pushes_the_model_image()
    {
        using var ws = await _runs.PushGeneratorAsync("buildah-gen", "buildah", await fixture.BuildahBaseAsync());

        var run = await _runs.RunLikeModelApiAsync(ws, GeneratorRuns.BuildahLeastPrivilege);

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains($"generator: pushed {ws.Registry}/buildah-gen/v1/grid-a:v1", run.StdOut);
        await _runs.AssertModelImageAsync(ws);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Docker_generator_builds_through_the_mounted_socket_and_pushes_the_model_image()
    {
        using var ws = await _runs.PushGeneratorAsync("docker-gen", "docker", await fixture.DockerBaseAsync());

        // The base's docker CLI has no buildx plugin, as Debian's docker.io: the generator falls back to docker build + push.
        var run = await _runs.RunLikeModelApiAsync(ws, ["-v", $"{fixture.Engine.Socket}:/var/run/docker.sock"]);

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        await _runs.AssertModelImageAsync(ws);
    }
}
