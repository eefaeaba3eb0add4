using Metagenerator.Entrypoint.Builders;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>
/// The kaniko warmer's TLS flags (issue 17 defect 1). kaniko v1.24.0's warmer has no <c>--skip-tls-verify</c>, and
/// parses <c>--skip-tls-verify-pull</c> without ever reading it; its transport skips verification only for the hosts
/// of <c>--skip-tls-verify-registry</c>, compared with the registry as go-containerregistry names it. The engine test
/// KanikoCacheTests runs the real warmer against a registry with a self-signed CA.
/// </summary>
[Tier(Tier.Unit)]
public class KanikoWarmerTlsTests
{
    private static Manifest.GeneratorManifest WithCache(params string[] images) => TestManifests.Seed() with { BuildCache = images };

    private static IReadOnlyList<string> Warmer(Manifest.GeneratorManifest m, string extraFlags)
    {
        var env = KanikoArgumentsTests.SeedEnv();
        env["EXTRA_FLAGS"] = extraFlags;
        env["KANIKO_WARM_CACHE"] = "true";
        return Oracle.Calls(m, BuilderKind.Kaniko, env, TestHost.Imagined()).Single(c => c[0] == "/kaniko/warmer");
    }

    [Theory]
    [InlineData("python:3.10", "index.docker.io")]
    [InlineData("library/python:3.10", "index.docker.io")]
    [InlineData("docker.io/library/python:3.10", "index.docker.io")]
    [InlineData("index.docker.io/library/python", "index.docker.io")]
    [InlineData("127.0.0.1:5000/base/busybox:1", "127.0.0.1:5000")]
    [InlineData("localhost:5000/x", "localhost:5000")]
    [InlineData("localhost/x", "index.docker.io")] // no '.' or ':': a Docker Hub repository, as go-containerregistry reads it
    [InlineData("reg.example/org/img@sha256:0123", "reg.example")]
    public void Each_cache_image_counts_under_the_registry_kaniko_matches(string image, string registry)
    {
        Assert.Equal([registry], KanikoDefinition.CacheRegistries([image]));
    }

    [Fact]
    public void Registries_are_named_once_in_order_of_first_use()
    {
        Assert.Equal(["reg.example:8443", "index.docker.io"],
            KanikoDefinition.CacheRegistries(["reg.example:8443/a:1", "python:3.10", "reg.example:8443/b:2", "docker.io/library/python:3.12"]));
    }

    [Theory]
    [InlineData("--skip-tls-verify --cache=true")]
    [InlineData("--cache=true --skip-tls-verify=true")]
    [InlineData("--cache --skip-tls-verify-pull")]
    public void Skipping_verification_names_every_cache_registry_and_never_the_ignored_pull_flag(string extra)
    {
        var warmer = Warmer(WithCache("127.0.0.1:5000/base/busybox:1", "python:3.10", "127.0.0.1:5000/demo/base:1"), extra);

        Assert.Equal(
            ["--cache-dir=/cache", "--image=127.0.0.1:5000/base/busybox:1", "--image=python:3.10", "--image=127.0.0.1:5000/demo/base:1",
             "--verbosity=info", "--skip-tls-verify-registry=127.0.0.1:5000", "--skip-tls-verify-registry=index.docker.io"],
            warmer.Skip(1));
    }

    [Theory]
    [InlineData("--cache=true")]
    [InlineData("--cache=true --skip-tls-verify=false")]
    public void Verification_stays_on_unless_asked_off(string extra)
    {
        var warmer = Warmer(WithCache("127.0.0.1:5000/base/busybox:1"), extra);
        var expectSkip = extra.Contains("--skip-tls-verify ", StringComparison.Ordinal);
        Assert.Equal(expectSkip, warmer.Contains("--skip-tls-verify-registry=127.0.0.1:5000"));
        Assert.DoesNotContain(warmer, w => w.StartsWith("--skip-tls-verify-pull", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_http_and_per_registry_flags_pass_as_the_warmer_reads_them()
    {
        var warmer = Warmer(WithCache("reg.example/a:1"),
            "--cache=true --insecure --skip-tls-verify-registry mirror.local --insecure-registry=base.local:5000 --registry-certificate reg.example=/certs/ca.crt");

        Assert.Equal(
            ["--cache-dir=/cache", "--image=reg.example/a:1", "--verbosity=info", "--insecure-pull", "--skip-tls-verify-registry=mirror.local",
             "--insecure-registry=base.local:5000", "--registry-certificate=reg.example=/certs/ca.crt"],
            warmer.Skip(1));
    }
}
