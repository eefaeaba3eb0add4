using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// Issue 17 defect 1: the kaniko warmer under the Model API's <c>--skip-tls-verify --cache=true</c>, with
/// <c>build.cache</c> naming an image on the TLS registry (its CA unknown to kaniko) and a volume on <c>/cache</c>.
/// kaniko v1.24.0's warmer parses <c>--skip-tls-verify-pull</c> but never reads it; only the per-registry
/// <c>--skip-tls-verify-registry</c> reaches its transport (<c>util.MakeTransport</c>). The same run checks
/// VERBOSITY=debug, and that no credential is printed at that level.
/// </summary>
[Collection(EngineCollections.Kaniko)]
[Tier(Tier.Engine)]
public class KanikoCacheTests(EngineFixture fixture)
{
    private readonly KanikoRuns _kaniko = new(fixture);

    [NeedsRealBuildersFact]
    public async Task The_warmer_fills_a_mounted_cache_through_skip_tls_verify_and_the_executor_uses_it()
    {
        var ws = await _kaniko.SharedGeneratorAsync();
        var cacheImageDigest = await KanikoRuns.DigestAsync(await fixture.ModelBaseAsync());
        using var cache = new TempDirectory("mg-kaniko-cache");

        var run = await _kaniko.RunLikeModelApiAsync(ws.GeneratorImage, new Dictionary<string, string?>
        {
            ["MODEL_TAG"] = "cached",
            ["VERBOSITY"] = "debug",
        }, ["-v", $"{cache.Path}:/cache"]);

        var output = run.StdOut + run.StdErr;
        Assert.True(run.ExitCode == 0 && !run.StdErr.Contains("generator: error"), output);
        Assert.Contains("generator: running kaniko warmer", run.StdOut);
        Assert.DoesNotContain("generator: warning: kaniko warmer", run.StdErr);
        Assert.DoesNotContain("x509", output);
        // The warmer wrote the cache image under its digest (with its manifest beside it) ...
        Assert.True(File.Exists(Path.Combine(cache.Path, cacheImageDigest)),
            $"{cacheImageDigest} not in the cache; it holds: {string.Join(", ", Directory.EnumerateFileSystemEntries(cache.Path).Select(Path.GetFileName))}\n{output}");
        Assert.True(File.Exists(Path.Combine(cache.Path, cacheImageDigest + ".json")));
        // ... and the executor took the base from there.
        Assert.Contains($"Found {cacheImageDigest} in local cache", output);
        Assert.True(await RegistryInspection.ExistsAsync($"{ws.Registry}/{ws.GeneratorName}/{ws.Version}/grid-a:cached"));
        // VERBOSITY=debug reached both programs; no credential is printed even so.
        Assert.Contains("VERBOSITY=debug", run.StdOut); // the generator's summary
        Assert.Contains("DEBU", output); // kaniko's debug lines (logrus, colour format)
        Assert.DoesNotContain(EngineFixture.Password, output);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{EngineFixture.User}:{EngineFixture.Password}")), output);
    }
}
