using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// kaniko, the default builder, for real: a generator on the kaniko stand-in (the real executor v1.24.0) run as the
/// Model API runs it against the TLS registry with Basic auth (its CA is not in kaniko's bundle, so
/// <c>--skip-tls-verify</c> is what lets it through, as for the Model API's installations), and what a user sees when
/// such a run fails.
/// </summary>
[Collection(EngineCollections.Kaniko)]
[Tier(Tier.Engine)]
public class KanikoModelApiRunTests(EngineFixture fixture)
{
    private readonly KanikoRuns _kaniko = new(fixture);

    private string Destination(ModelWorkspace ws, string registry) => $"{registry}/{ws.GeneratorName}/{ws.Version}/grid-a:v1";

    [NeedsRealBuildersFact]
    public async Task The_Model_APIs_unprivileged_run_builds_and_pushes_the_model_image()
    {
        var ws = await _kaniko.SharedGeneratorAsync();

        // Exactly the Model API's run plus a build-parameter override and MODEL_INFO; no cache volume.
        var run = await _kaniko.RunLikeModelApiAsync(ws.GeneratorImage, new Dictionary<string, string?>
        {
            ["GRID_DATA"] = "/grid_data/other.json",
            ["MODEL_INFO"] = GeneratorRuns.ModelInfo,
        });

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("generator: running kaniko executor", run.StdOut);
        Assert.Contains($"generator: pushed {Destination(ws, ws.Registry)}", run.StdOut);
        // build.cache is set and --cache=true, but /cache is the container's own: not warmed, and the user is told why.
        Assert.Contains("generator: note: build.cache is not warmed: /cache is not a mounted volume", run.StdErr);
        Assert.DoesNotContain("kaniko warmer", run.StdOut + run.StdErr);
        Assert.DoesNotContain("generator: error", run.StdErr);
        // Labels (CREATED byte for byte, with its microseconds) and the build arguments as the RUN step saw them.
        await new GeneratorRuns(fixture).AssertModelImageAsync(ws);
        await KanikoRuns.AssertNoGeneratorFilesAsync(Destination(ws, ws.Registry));
    }

    [NeedsRealBuildersFact]
    public async Task Refused_credentials_fail_the_run_naming_the_registry_without_the_password()
    {
        var ws = await _kaniko.SharedGeneratorAsync();
        using var dir = new TempDirectory("mg-kaniko-badcfg");
        const string wrongPassword = "not-the-kaniko-password";
        var wrong = dir.WriteFile("config.json", EngineFixture.DockerConfig(fixture.Registry.Host, EngineFixture.User, wrongPassword));
        using var cache = new TempDirectory("mg-kaniko-cache");

        // A mounted cache too: the warmer meets the refusal first, and its failure is only a warning.
        var run = await _kaniko.RunLikeModelApiAsync(ws.GeneratorImage, new Dictionary<string, string?> { ["MODEL_TAG"] = "refused" },
            ["-v", $"{cache.Path}:/cache"], wrong);

        var output = run.StdOut + run.StdErr;
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("generator: error: kaniko executor failed with exit code", run.StdErr);
        Assert.Contains(fixture.Registry.Host, output);
        Assert.Matches("(?i)unauthorized|authentication required", output);
        Assert.True(run.StdErr.Contains("generator: warning: kaniko warmer failed") && !run.StdErr.Contains("generator: error: kaniko warmer"), output);
        Assert.DoesNotContain(wrongPassword, output);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{EngineFixture.User}:{wrongPassword}")), output);
        Assert.False(await RegistryInspection.ExistsAsync($"{ws.Registry}/{ws.GeneratorName}/{ws.Version}/grid-a:refused"));
    }

    [NeedsRealBuildersFact]
    public async Task A_failing_model_Dockerfile_fails_the_run_with_kanikos_message_and_pushes_nothing()
    {
        var ws = await _kaniko.SharedGeneratorAsync();

        var run = await _kaniko.RunLikeModelApiAsync(ws.GeneratorImage, new Dictionary<string, string?>
        {
            ["MODEL_DOCKERFILE"] = KanikoRuns.BrokenDockerfile, // a config key, overridden like any other
            ["MODEL_TAG"] = "broken",
        });

        var output = run.StdOut + run.StdErr;
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(KanikoRuns.BrokenMarker, output);
        Assert.Contains("exit status 3", output); // kaniko's own report of the RUN step
        Assert.Contains("generator: error: kaniko executor failed with exit code", run.StdErr);
        Assert.DoesNotContain("generator: pushed", run.StdOut);
        Assert.False(await RegistryInspection.ExistsAsync($"{ws.Registry}/{ws.GeneratorName}/{ws.Version}/grid-a:broken"));
    }

    [NeedsRealBuildersFact]
    public async Task PUSH_RETRY_is_kanikos_push_retry_and_the_script_does_not_rerun_the_build()
    {
        var ws = await _kaniko.SharedGeneratorAsync();

        // The base still comes from the TLS registry; the push goes where nobody listens. kaniko checks push
        // permission before building; skipping that check lets the build reach the push and its retries. No
        // --cache=true: kaniko would push its layer cache beside the destination with the same retries.
        var run = await _kaniko.RunLikeModelApiAsync(ws.GeneratorImage, new Dictionary<string, string?>
        {
            ["MODEL_REGISTRY"] = "127.0.0.1:9",
            ["PUSH_RETRY"] = "2",
            ["EXTRA_FLAGS"] = "--skip-tls-verify --skip-push-permission-check",
        });

        var output = run.StdOut + run.StdErr;
        Assert.NotEqual(0, run.ExitCode);
        var retries = output.Split('\n').Where(l => l.Contains("Retrying operation after")).ToList();
        Assert.True(retries.Count == 2, output);
        Assert.Contains("after 1s", retries[0]);
        Assert.Contains("after 2s", retries[1]);
        Assert.Contains("127.0.0.1:9", output);
        Assert.Single(run.StdOut.Split('\n'), l => l == "generator: running kaniko executor");
        Assert.Contains("generator: error: kaniko executor failed with exit code", run.StdErr);
    }
}
