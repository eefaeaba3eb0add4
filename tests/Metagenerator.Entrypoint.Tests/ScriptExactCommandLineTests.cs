using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Entrypoint.Tests;

/// <summary>The script's command lines compared with spelled-out lists (not with the C# functions): kaniko with the warmer
/// and buildkit, for the seed and extended fixtures, with EXTRA_FLAGS.</summary>
[Tier(Tier.Tools)]
public class ScriptExactCommandLineTests
{
    private static Dictionary<string, string> SeedEnv(ScriptSandbox sandbox)
    {
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = "2026-11-25T10:00:00+00:00";
        return env;
    }

    private static Dictionary<string, string> ExtendedEnv(ScriptSandbox sandbox)
    {
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "wind-a";
        env["MODEL_TAG"] = "v2";
        env["CREATED"] = "2026-11-25T10:00:00+00:00";
        env["PARK_NAME"] = "Windpark Noord";
        env["MODEL_INFO"] = "Wind forecast, Alkmaar";
        env["PUSH_RETRY"] = "3";
        env["VERBOSITY"] = "debug";
        return env;
    }

    private static string[] InSandbox(IEnumerable<string> args, ScriptSandbox sandbox) =>
        args.Select(a => a.Replace("/workspace/model-src", sandbox.Context, StringComparison.Ordinal)).ToArray();

    [NeedsToolsFact("busybox", "bash")]
    public async Task Kaniko_seed()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), SeedEnv(sandbox));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(InSandbox(KanikoArgumentsTests.SeedExecutor.Skip(1), sandbox), Assert.Single(run.Calls).Skip(1));
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Kaniko_extended_with_warmer_and_extra_flags()
    {
        var manifest = TestManifests.Extended();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = ExtendedEnv(sandbox);
        env["EXTRA_FLAGS"] = "--skip-tls-verify --cache=true\t--cache-dir /kaniko-cache";
        env["KANIKO_WARM_CACHE"] = "true";

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Calls.Count);
        Assert.Equal(
            [Path.Combine(sandbox.Bin, "warmer"), "--cache-dir=/kaniko-cache", "--image=python:3.12-slim", "--verbosity=debug", "--skip-tls-verify-registry=index.docker.io"],
            run.Calls[0]);
        Assert.Equal(Path.Combine(sandbox.Bin, "executor"), run.Calls[1][0]);
        Assert.Equal(InSandbox(KanikoArgumentsTests.ExtendedExecutor.Skip(1), sandbox), run.Calls[1].Skip(1));
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Kaniko_seed_warms_both_cache_images_into_the_default_cache_dir()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = SeedEnv(sandbox);
        env["EXTRA_FLAGS"] = "--cache=true";
        env["KANIKO_WARM_CACHE"] = "true";

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            [Path.Combine(sandbox.Bin, "warmer"), "--cache-dir=/cache", "--image=python:3.10", "--image=python:3.10-slim", "--verbosity=info"],
            run.Calls[0]);
        Assert.Equal([.. InSandbox(KanikoArgumentsTests.SeedExecutor.Skip(1), sandbox), "--cache=true"], run.Calls[1].Skip(1));
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task BuildKit_seed_daemonless()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.BuildKit), SeedEnv(sandbox));
        Assert.True(run.ExitCode == 0, run.ToString());
        var call = Assert.Single(run.Calls);
        Assert.Equal(Path.Combine(sandbox.Bin, "buildctl-daemonless.sh"), call[0]);
        Assert.Equal(
            InSandbox(
            [
                "build", "--progress", "plain", "--frontend", "dockerfile.v0",
                "--local", "context=/workspace/model-src", "--local", "dockerfile=/workspace/model-src",
                "--opt", "filename=Dockerfile_model",
                .. ExpectedArgs.Pairs("--opt", ExpectedArgs.SeedBuildArgs.Select(a => "build-arg:" + a)),
                .. ExpectedArgs.Pairs("--opt", ExpectedArgs.SeedLabels.Select(l => "label:" + l)),
                "--output", $"type=image,name={ExpectedArgs.SeedDest},push=true",
            ], sandbox),
            call.Skip(1));
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task BuildKit_extended_remote_with_extra_flags()
    {
        var manifest = TestManifests.Extended();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = ExtendedEnv(sandbox);
        env["BUILDKIT_HOST"] = "tcp://buildkitd:1234";
        env["EXTRA_FLAGS"] = "--skip-tls-verify --cache=false --cache-dir /kc --export-cache type=inline";

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.BuildKit), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        var call = Assert.Single(run.Calls);
        Assert.Equal(Path.Combine(sandbox.Bin, "buildctl"), call[0]);
        Assert.Equal(
            InSandbox(
            [
                "--debug", "--addr", "tcp://buildkitd:1234",
                "build", "--progress", "plain", "--frontend", "dockerfile.v0",
                "--local", "context=/workspace/model-src", "--local", "dockerfile=/workspace/model-src",
                "--opt", "filename=Dockerfile",
                .. ExpectedArgs.Pairs("--opt", ExpectedArgs.ExtendedBuildArgs.Select(a => "build-arg:" + a)),
                .. ExpectedArgs.Pairs("--opt", ExpectedArgs.ExtendedLabels.Select(l => "label:" + l)),
                "--no-cache",
                "--output", $"type=image,name={ExpectedArgs.ExtendedDest},push=true,registry.insecure=true",
                "--export-cache", "type=inline",
            ], sandbox),
            call.Skip(1));
    }
}
