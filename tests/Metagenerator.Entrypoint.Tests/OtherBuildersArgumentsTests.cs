using static Metagenerator.Entrypoint.Tests.ExpectedArgs;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

[Tier(Tier.Unit)]
public class BuildahArgumentsTests
{
    internal static IReadOnlyList<IReadOnlyList<string>> Buildah(Manifest.GeneratorManifest m, Dictionary<string, string> env, TestHost? host = null) =>
        Oracle.Calls(m, BuilderKind.Buildah, env, host ?? TestHost.Imagined());

    [Fact]
    public void Seed_bud_then_push_with_buildahs_own_retries_when_PUSH_RETRY_is_unset()
    {
        var calls = Buildah(TestManifests.Seed(), KanikoArgumentsTests.SeedEnv());
        Assert.Equal(2, calls.Count);
        Assert.Equal(
            [
                "buildah", "--storage-driver", "vfs", "--log-level", "info", "bud",
                "--isolation", "chroot", "-f", "/workspace/model-src/Dockerfile_model", "-t", SeedDest,
                .. Pairs("--build-arg", SeedBuildArgs), .. Pairs("--label", SeedLabels),
                "/workspace/model-src",
            ],
            calls[0]);
        Assert.Equal(
            ["buildah", "--storage-driver", "vfs", "--log-level", "info", "push", SeedDest, "docker://" + SeedDest],
            calls[1]);
    }

    [Fact]
    public void Extended_with_kaniko_flags_translated()
    {
        var env = KanikoArgumentsTests.ExtendedEnv();
        env["STORAGE_DRIVER"] = "overlay";
        var calls = Buildah(TestManifests.Extended(), env, TestHost.Imagined() with { RegularFile = _ => true });
        Assert.Equal(
            [
                "buildah", "--storage-driver", "overlay", "--log-level", "debug", "bud",
                "--isolation", "chroot", "-f", "/workspace/model-src/Dockerfile", "-t", ExtendedDest,
                "--authfile", "/workspace/config.json", "--tls-verify=false", "--layers",
                .. Pairs("--build-arg", ExtendedBuildArgs), .. Pairs("--label", ExtendedLabels),
                "/workspace/model-src",
            ],
            calls[0]);
        Assert.Equal(
            [
                "buildah", "--storage-driver", "overlay", "--log-level", "debug", "push", "--retry", "3",
                "--authfile", "/workspace/config.json", "--tls-verify=false", ExtendedDest, "docker://" + ExtendedDest,
            ],
            calls[1]);
    }

    [Theory]
    // flags                                                            bud insecure, push insecure, cert dir, passed on
    [InlineData("--insecure-registry reformers-dev.ait.ac.at:8083", true, true, null, "")]
    [InlineData("--skip-tls-verify-registry=other.example:5000", true, false, null, "")]
    [InlineData("--skip-tls-verify-pull", true, false, null, "")]
    [InlineData("--insecure=false --squash", false, false, null, "--squash")]
    [InlineData("--registry-certificate reformers-dev.ait.ac.at:8083=/certs/ca.crt", false, false, "/certs", "")]
    [InlineData("--registry-certificate=h=ca.crt --cache-repo r --cache-ttl=2h", false, false, ".", "")]
    [InlineData("--registry-certificate h=/ca.crt --layers=false", false, false, "/", "--layers=false")]
    public void Tls_flags_map_to_buildah(string extra, bool budInsecure, bool pushInsecure, string? certDir, string passed)
    {
        var env = KanikoArgumentsTests.SeedEnv();
        env["EXTRA_FLAGS"] = extra;
        var calls = Buildah(TestManifests.Seed(), env);
        var (bud, push) = (calls[0], calls[1]);
        Assert.Equal(budInsecure, bud.Contains("--tls-verify=false"));
        Assert.Equal(pushInsecure, push.Contains("--tls-verify=false"));
        foreach (var args in new[] { bud, push })
        {
            var i = args.ToList().IndexOf("--cert-dir");
            Assert.Equal(certDir, i < 0 ? null : args[i + 1]);
        }
        var tail = bud.Skip(bud.ToList().LastIndexOf(SeedLabels[^1]) + 1).SkipLast(1);
        Assert.Equal(passed.Split(' ', StringSplitOptions.RemoveEmptyEntries), tail);
    }

    [Fact]
    public void A_Dockerfile_path_with_a_comma_is_refused_before_any_build()
    {
        var env = KanikoArgumentsTests.SeedEnv();
        env["MODEL_DOCKERFILE"] = "docker/a,b/Dockerfile";
        var e = Assert.Throws<GeneratorInputException>(() => Buildah(TestManifests.Seed(), env));
        Assert.Equal("MODEL_DOCKERFILE", e.Variable);
        Assert.Contains("comma", e.Message);
        Assert.NotEmpty(Oracle.Calls(TestManifests.Seed(), BuilderKind.Kaniko, env, TestHost.Imagined())); // only buildah's -f splits
    }
}

[Tier(Tier.Unit)]
public class BuildKitArgumentsTests
{
    private static IReadOnlyList<string> BuildKit(Manifest.GeneratorManifest m, Dictionary<string, string> env) =>
        Assert.Single(Oracle.Calls(m, BuilderKind.BuildKit, env, TestHost.Imagined()));

    [Fact]
    public void Seed_runs_daemonless_without_BUILDKIT_HOST()
    {
        Assert.Equal(
            [
                "buildctl-daemonless.sh", "build", "--progress", "plain", "--frontend", "dockerfile.v0",
                "--local", "context=/workspace/model-src", "--local", "dockerfile=/workspace/model-src",
                "--opt", "filename=Dockerfile_model",
                .. Pairs("--opt", SeedBuildArgs.Select(a => "build-arg:" + a)),
                .. Pairs("--opt", SeedLabels.Select(l => "label:" + l)),
                "--output", $"type=image,name={SeedDest},push=true",
            ],
            BuildKit(TestManifests.Seed(), KanikoArgumentsTests.SeedEnv()));
    }

    [Fact]
    public void Extended_against_a_remote_daemon_with_insecure_push_and_debug()
    {
        var env = KanikoArgumentsTests.ExtendedEnv();
        env["BUILDKIT_HOST"] = "tcp://buildkitd:1234";
        env["EXTRA_FLAGS"] = "--skip-tls-verify --cache=false --cache-dir /kc --export-cache type=inline";
        Assert.Equal(
            [
                "buildctl", "--debug", "--addr", "tcp://buildkitd:1234",
                "build", "--progress", "plain", "--frontend", "dockerfile.v0",
                "--local", "context=/workspace/model-src", "--local", "dockerfile=/workspace/model-src",
                "--opt", "filename=Dockerfile",
                .. Pairs("--opt", ExtendedBuildArgs.Select(a => "build-arg:" + a)),
                .. Pairs("--opt", ExtendedLabels.Select(l => "label:" + l)),
                "--no-cache",
                "--output", $"type=image,name={ExtendedDest},push=true,registry.insecure=true",
                "--export-cache", "type=inline",
            ],
            BuildKit(TestManifests.Extended(), env));
    }

    [Fact]
    public void Dockerfile_in_a_subdirectory_is_split_into_directory_and_name()
    {
        var env = KanikoArgumentsTests.SeedEnv();
        env["MODEL_DOCKERFILE"] = "docker/Dockerfile.gpu";
        var args = BuildKit(TestManifests.Seed(), env);
        Assert.Contains("dockerfile=/workspace/model-src/docker", args);
        Assert.Contains("filename=Dockerfile.gpu", args);
    }

    [Fact]
    public void A_remote_daemon_behind_mtls_gets_the_ca_certificate_and_key()
    {
        var env = KanikoArgumentsTests.SeedEnv();
        env["BUILDKIT_HOST"] = "tcp://buildkitd:1234";
        env["BUILDKIT_TLS_CA_CERT"] = "/certs/ca.pem";
        env["BUILDKIT_TLS_CERT"] = "/certs/cert.pem";
        env["BUILDKIT_TLS_KEY"] = "/certs/key.pem";
        env["BUILDKIT_TLS_SERVER_NAME"] = "buildkitd.internal";
        Assert.Equal(
            ["buildctl", "--addr", "tcp://buildkitd:1234", "--tlscacert", "/certs/ca.pem", "--tlscert", "/certs/cert.pem",
             "--tlskey", "/certs/key.pem", "--tlsservername", "buildkitd.internal", "build"],
            BuildKit(TestManifests.Seed(), env).Take(12));
    }
}

[Tier(Tier.Unit)]
public class DockerArgumentsTests
{
    [Fact]
    public void Seed_checks_for_buildx_once_then_buildx_build_push()
    {
        var calls = Oracle.Calls(TestManifests.Seed(), BuilderKind.Docker, KanikoArgumentsTests.SeedEnv(), TestHost.Imagined());
        Assert.Equal(2, calls.Count);
        Assert.Equal(["docker", "buildx", "version"], calls[0]);
        Assert.Equal(
            [
                "docker", "buildx", "build", "--push", "--progress", "plain",
                "-f", "/workspace/model-src/Dockerfile_model", "-t", SeedDest,
                .. Pairs("--build-arg", SeedBuildArgs), .. Pairs("--label", SeedLabels),
                "/workspace/model-src",
            ],
            calls[1]);
    }

    [Fact]
    public void Extended_drops_kaniko_only_flags_and_keeps_the_rest()
    {
        var env = KanikoArgumentsTests.ExtendedEnv();
        env["EXTRA_FLAGS"] = "--skip-tls-verify --cache=false --platform linux/arm64";
        Assert.Equal(
            [
                "docker", "--debug", "buildx", "build", "--push", "--progress", "plain",
                "-f", "/workspace/model-src/Dockerfile", "-t", ExtendedDest,
                .. Pairs("--build-arg", ExtendedBuildArgs), .. Pairs("--label", ExtendedLabels),
                "--no-cache", "--platform", "linux/arm64",
                "/workspace/model-src",
            ],
            Oracle.Calls(TestManifests.Extended(), BuilderKind.Docker, env, TestHost.Imagined())[^1]);
    }

    [Fact]
    public void Without_buildx_it_builds_with_docker_build_and_pushes_with_docker_push()
    {
        var env = KanikoArgumentsTests.ExtendedEnv();
        env["EXTRA_FLAGS"] = "--cache=false --platform linux/arm64";
        var outcome = Oracle.Run(TestManifests.Extended(), BuilderKind.Docker, env, TestHost.Imagined() with { ProbeStatus = 1 });
        Assert.Equal(3, outcome.Calls.Count);
        Assert.Equal(["docker", "buildx", "version"], outcome.Calls[0]);
        Assert.Equal(
            [
                "docker", "--debug", "build",
                "-f", "/workspace/model-src/Dockerfile", "-t", ExtendedDest,
                .. Pairs("--build-arg", ExtendedBuildArgs), .. Pairs("--label", ExtendedLabels),
                "--no-cache", "--platform", "linux/arm64",
                "/workspace/model-src",
            ],
            outcome.Calls[1]);
        Assert.Equal(["docker", "--debug", "push", ExtendedDest], outcome.Calls[2]);
        Assert.Contains("note: docker buildx is not available: building with docker build, then pushing with docker push", outcome.Messages);
    }
}
