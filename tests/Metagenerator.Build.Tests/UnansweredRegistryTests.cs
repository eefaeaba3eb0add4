using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// A destination that accepts connections and never answers (the fault proxy holding every request in front of a real
/// docker-registry) costs a build one wait of the request deadline, N+1 with <c>--push-retry N</c>: once it has let a
/// request go unanswered, the build does not wait on it again for an optimisation (reading the previous image, the
/// "has tags" check, the blob HEADs), and fails naming the request (issue 20, point 12). Waits are counted as requests
/// the proxy held, not timed.
/// </summary>
[Tier(Tier.Registry)]
public sealed class UnansweredRegistryTests
{
    [NeedsToolsTheory("docker-registry", "skopeo")]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_registry_that_never_answers_is_waited_for_once_per_attempt_of_one_request(int pushRetry)
    {
        await using var registry = await LocalRegistry.StartAsync();
        var baseImage = await TestImages.PushBaseAsync(registry.Host, "unanswered-base", "1");
        await using var silent = FaultProxy.Start(registry.Port);
        silent.Inject(_ => true, new Fault.Hang(), times: 1000);
        using var dir = new TempDirectory("mg-unanswered");
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", silent.Host));
        var source = TestModels.WriteModelSource(dir, manifest);

        var e = await Assert.ThrowsAsync<RegistryException>(() => GeneratorBuild.RunAsync(new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = source, Builder = BuilderKind.Buildah },
            BaseImage = baseImage,
            Registry = new RegistryOptions
            {
                InsecureRegistries = new HashSet<string> { registry.Host, silent.Host },
                RequestTimeout = TimeSpan.FromSeconds(2),
                PushRetry = pushRetry,
                RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            },
        }));

        Assert.Equal(pushRetry + 1, silent.Requests.Count);
        Assert.Contains(silent.Host, e.Message);
        Assert.Contains("did not answer", e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
        // The request not sent carries the timeout of the one that went unanswered, not only its words.
        Assert.Contains("not sent, because", e.Message);
        var unanswered = Assert.IsType<RegistryException>(e.InnerException);
        Assert.Contains("did not answer within 2 s", unanswered.Message);
    }
}
