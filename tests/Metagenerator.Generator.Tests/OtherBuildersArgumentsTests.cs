using static Metagenerator.Generator.Tests.ExpectedArgs;

namespace Metagenerator.Generator.Tests;

public class BuildahArgumentsTests
{
    [Fact]
    public void Seed_bud_then_push()
    {
        var inv = KanikoArgumentsTests.SeedInvocation();
        Assert.Equal(
            [
                "buildah", "--storage-driver", "vfs", "--log-level", "info", "bud",
                "--isolation", "chroot", "-f", "/workspace/model-src/Dockerfile_model", "-t", SeedDest,
                .. Pairs("--build-arg", SeedBuildArgs), .. Pairs("--label", SeedLabels),
                "/workspace/model-src",
            ],
            BuildahBuilder.Arguments(inv));
        Assert.Equal(
            ["buildah", "--storage-driver", "vfs", "--log-level", "info", "push", "--retry", "1", SeedDest, "docker://" + SeedDest],
            BuildahBuilder.PushArguments(inv));
        Assert.Equal([BuildahBuilder.Arguments(inv), BuildahBuilder.PushArguments(inv)], BuilderCommands.For(BuilderKind.Buildah, inv));
    }

    [Fact]
    public void Extended_with_kaniko_flags_translated()
    {
        var inv = KanikoArgumentsTests.ExtendedInvocation() with { AuthFile = "/workspace/config.json", StorageDriver = "overlay" };
        Assert.Equal(
            [
                "buildah", "--storage-driver", "overlay", "--log-level", "debug", "bud",
                "--isolation", "chroot", "-f", "/workspace/model-src/Dockerfile", "-t", ExtendedDest,
                "--authfile", "/workspace/config.json", "--tls-verify=false", "--layers",
                .. Pairs("--build-arg", ExtendedBuildArgs), .. Pairs("--label", ExtendedLabels),
                "/workspace/model-src",
            ],
            BuildahBuilder.Arguments(inv));
        Assert.Equal(
            [
                "buildah", "--storage-driver", "overlay", "--log-level", "debug", "push", "--retry", "3",
                "--authfile", "/workspace/config.json", "--tls-verify=false", ExtendedDest, "docker://" + ExtendedDest,
            ],
            BuildahBuilder.PushArguments(inv));
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
        var inv = KanikoArgumentsTests.SeedInvocation() with { ExtraFlags = ExtraFlags.Parse(extra) };
        var bud = BuildahBuilder.Arguments(inv);
        var push = BuildahBuilder.PushArguments(inv);
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
}

public class BuildKitArgumentsTests
{
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
            BuildKitBuilder.Arguments(KanikoArgumentsTests.SeedInvocation()));
    }

    [Fact]
    public void Extended_against_a_remote_daemon_with_insecure_push_and_debug()
    {
        var inv = KanikoArgumentsTests.ExtendedInvocation() with
        {
            BuildKitHost = "tcp://buildkitd:1234",
            ExtraFlags = ExtraFlags.Parse("--skip-tls-verify --cache=false --cache-dir /kc --export-cache type=inline"),
        };
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
            BuildKitBuilder.Arguments(inv));
    }

    [Fact]
    public void Dockerfile_in_a_subdirectory_is_split_into_directory_and_name()
    {
        var inv = KanikoArgumentsTests.SeedInvocation() with
        {
            ConfigValues = new Dictionary<string, string>(KanikoArgumentsTests.SeedInvocation().ConfigValues) { ["MODEL_DOCKERFILE"] = "docker/Dockerfile.gpu" },
        };
        var args = BuildKitBuilder.Arguments(inv);
        Assert.Contains("dockerfile=/workspace/model-src/docker", args);
        Assert.Contains("filename=Dockerfile.gpu", args);
    }
}

public class DockerArgumentsTests
{
    [Fact]
    public void Seed_buildx_build_push()
    {
        Assert.Equal(
            [
                "docker", "buildx", "build", "--push", "--progress", "plain",
                "-f", "/workspace/model-src/Dockerfile_model", "-t", SeedDest,
                .. Pairs("--build-arg", SeedBuildArgs), .. Pairs("--label", SeedLabels),
                "/workspace/model-src",
            ],
            DockerBuilder.Arguments(KanikoArgumentsTests.SeedInvocation()));
    }

    [Fact]
    public void Extended_drops_kaniko_only_flags_and_keeps_the_rest()
    {
        var inv = KanikoArgumentsTests.ExtendedInvocation() with
        {
            ExtraFlags = ExtraFlags.Parse("--skip-tls-verify --cache=false --platform linux/arm64"),
        };
        Assert.Equal(
            [
                "docker", "--debug", "buildx", "build", "--push", "--progress", "plain",
                "-f", "/workspace/model-src/Dockerfile", "-t", ExtendedDest,
                .. Pairs("--build-arg", ExtendedBuildArgs), .. Pairs("--label", ExtendedLabels),
                "--no-cache", "--platform", "linux/arm64",
                "/workspace/model-src",
            ],
            DockerBuilder.Arguments(inv));
    }
}
