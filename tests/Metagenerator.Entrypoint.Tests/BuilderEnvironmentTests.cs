using System.Net.Sockets;
using Metagenerator.Entrypoint.Builders;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The builders as their images really are (issue 13): stand-in environments that set what the real base images
/// set, stand-in programs that record their argv; each run is also checked against the C# evaluation of the definition.</summary>
[Tier(Tier.Tools)]
public class BuilderEnvironmentTests
{
    private const string Created = "2026-11-25T10:00:00+00:00";

    /// <summary>What moby/buildkit:v0.18.2-rootless sets in its image.</summary>
    private const string RootlessImageBuildKitHost = "unix:///run/user/1000/buildkit/buildkitd.sock";

    private static Dictionary<string, string> Env(ScriptSandbox sandbox, params (string Key, string Value)[] values)
    {
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = Created;
        foreach (var (k, v) in values) env[k] = v;
        return env;
    }

    /// <summary>Runs the script and checks that it did exactly what the C# evaluation says (calls, notes, files).</summary>
    private static async Task<ScriptRun> RunAgreeingAsync(ScriptSandbox sandbox, Manifest.GeneratorManifest manifest, BuilderKind builder,
        Dictionary<string, string> env, TestHost? host = null)
    {
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, builder), env);
        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = Oracle.Run(manifest, builder, env, host);
        Assert.Equal(expected.Calls.Count, run.Calls.Count);
        for (var i = 0; i < expected.Calls.Count; i++) Assert.Equal(expected.Calls[i].Skip(1), run.Calls[i].Skip(1));
        foreach (var message in expected.Messages) Assert.Contains("generator: " + message + "\n", run.StdErr);
        foreach (var (path, content) in expected.Files) Assert.Equal(content, File.ReadAllText(path));
        return run;
    }

    // Item 1
    [NeedsToolsFact("busybox", "bash")]
    public async Task BuildKit_runs_daemonless_when_the_inherited_BUILDKIT_HOST_socket_does_not_exist()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.BuildKit, Env(sandbox, ("BUILDKIT_HOST", RootlessImageBuildKitHost)));
        Assert.Equal(Path.Combine(sandbox.Bin, "buildctl-daemonless.sh"), Assert.Single(run.Calls)[0]);
        Assert.DoesNotContain("--addr", run.Calls[0]);
        Assert.Contains($"generator: note: BUILDKIT_HOST={RootlessImageBuildKitHost} is not a running daemon's socket: building daemonless", run.StdErr);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task BuildKit_uses_a_unix_socket_that_exists()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var socketPath = Path.Combine(sandbox.Root, "buildkitd.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.Listen();

        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.BuildKit, Env(sandbox, ("BUILDKIT_HOST", "unix://" + socketPath)));

        Assert.Equal(Path.Combine(sandbox.Bin, "buildctl"), Assert.Single(run.Calls)[0]);
        Assert.Equal(["--addr", "unix://" + socketPath, "build"], run.Calls[0].Skip(1).Take(3));
    }

    // Item 2
    [NeedsToolsFact("busybox", "bash")]
    public async Task BuildKit_daemonless_sets_the_no_process_sandbox_flag_unless_the_caller_sets_BUILDKITD_FLAGS()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        await RunAgreeingAsync(sandbox, manifest, BuilderKind.BuildKit, Env(sandbox));
        Assert.Equal("--oci-worker-no-process-sandbox", sandbox.BuildKitdFlags(0));

        await RunAgreeingAsync(sandbox, manifest, BuilderKind.BuildKit, Env(sandbox, ("BUILDKITD_FLAGS", "--debug")));
        Assert.Equal("--debug", sandbox.BuildKitdFlags(0));
    }

    [NeedsToolsFact("busybox", "bash")]
    public void Help_says_what_each_builder_needs_from_docker_run()
    {
        var manifest = TestManifests.Seed();
        var buildkit = GeneratorScript.HelpText(manifest, BuilderKind.BuildKit);
        Assert.Contains("rootlesskit as uid 1000", buildkit);
        Assert.Contains("seccomp=unconfined", buildkit);
        Assert.Contains("apparmor=unconfined", buildkit);
        Assert.Contains("BUILDKITD_FLAGS=--oci-worker-no-process-sandbox", buildkit);
        Assert.Contains("The Model API's unprivileged run can only use BuildKit through a remote BUILDKIT_HOST", buildkit);
        Assert.Contains(BuildahDefinition.DockerRunFlags, GeneratorScript.HelpText(manifest, BuilderKind.Buildah));
        Assert.Contains("plain 'docker run'", GeneratorScript.HelpText(manifest, BuilderKind.Kaniko));
        Assert.Contains("docker.sock", GeneratorScript.HelpText(manifest, BuilderKind.Docker));
    }

    // Item 3
    [NeedsToolsFact("busybox", "bash")]
    public async Task Kaniko_does_not_warm_a_cache_dir_that_is_not_a_mounted_volume()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var cacheDir = Path.Combine(sandbox.Root, "cache"); // a plain directory: removed with the container
        Directory.CreateDirectory(cacheDir);

        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.Kaniko,
            Env(sandbox, ("EXTRA_FLAGS", "--cache=true --cache-dir " + cacheDir)));

        Assert.Equal("executor", Path.GetFileName(Assert.Single(run.Calls)[0]));
        Assert.Contains($"generator: note: build.cache is not warmed: {cacheDir} is not a mounted volume", run.StdErr);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Kaniko_warms_a_mounted_cache_dir_with_the_tls_flags_its_warmer_reads()
    {
        var mountPoint = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).First(p => p != "/" && !p.Contains('\\'));
        Assert.True(TestHost.IsMountPoint(mountPoint));
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var extra = $"--cache=true --cache-dir={mountPoint} --skip-tls-verify --insecure-registry base.local:5000 " +
                    "--skip-tls-verify-registry=mirror.local --registry-certificate reg.example=/certs/ca.crt --insecure";

        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.Kaniko, Env(sandbox, ("EXTRA_FLAGS", extra)));

        Assert.Equal(2, run.Calls.Count);
        Assert.Equal(
            [
                $"--cache-dir={mountPoint}", "--image=python:3.10", "--image=python:3.10-slim", "--verbosity=info",
                "--skip-tls-verify-registry=index.docker.io", "--insecure-pull", "--skip-tls-verify-registry=mirror.local",
                "--insecure-registry=base.local:5000", "--registry-certificate=reg.example=/certs/ca.crt",
            ],
            run.Calls[0].Skip(1));
        Assert.Equal("warmer", Path.GetFileName(run.Calls[0][0]));
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData("false", true, 1)]
    [InlineData("true", false, 2)]
    [InlineData("auto", false, 1)]
    [InlineData("", true, 2)]
    public async Task KANIKO_WARM_CACHE_decides_over_the_mount_point_check(string setting, bool mounted, int calls)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var cacheDir = mounted ? "/proc/" : Path.Combine(sandbox.Root, "nope");
        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.Kaniko,
            Env(sandbox, ("EXTRA_FLAGS", "--cache --cache-dir " + cacheDir), ("KANIKO_WARM_CACHE", setting)));
        Assert.Equal(calls, run.Calls.Count);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task A_bad_KANIKO_WARM_CACHE_stops_before_any_build()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), Env(sandbox, ("KANIKO_WARM_CACHE", "yes")));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("generator: error: KANIKO_WARM_CACHE is invalid: it must be auto, true or false", run.StdErr);
        Assert.Empty(run.Calls);
    }

    // Item 4
    [NeedsToolsFact("busybox", "bash")]
    public async Task BuildKit_daemonless_gets_kaniko_tls_flags_for_pulls_through_a_buildkitd_toml()
    {
        var manifest = TestManifests.WithConfig(TestManifests.Seed(), "MODEL_REGISTRY", "model.local:5000/team");
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var extra = "--skip-tls-verify --insecure-registry base.local:5000 --skip-tls-verify-registry=model.local:5000 " +
                    "--registry-certificate reg.example=/certs/ca.crt --registry-certificate=reg.example=/certs/other.crt";

        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.BuildKit, Env(sandbox, ("EXTRA_FLAGS", extra)));

        var config = Path.Combine(sandbox.Tmp, "metagenerator-buildkitd.toml");
        Assert.Equal("--oci-worker-no-process-sandbox --config=" + config, sandbox.BuildKitdFlags(0));
        Assert.Equal(
            "[registry.\"model.local:5000\"]\n  insecure = true\n" +
            "[registry.\"base.local:5000\"]\n  http = true\n  insecure = true\n" +
            "[registry.\"reg.example\"]\n  ca = [\"/certs/ca.crt\", \"/certs/other.crt\"]\n  http = false\n",
            File.ReadAllText(config));
        Assert.EndsWith("push=true,registry.insecure=true", run.Calls[0].Single(a => a.StartsWith("type=image,", StringComparison.Ordinal)));
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task BuildKit_daemonless_without_tls_flags_writes_no_config()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        await RunAgreeingAsync(sandbox, manifest, BuilderKind.BuildKit, Env(sandbox, ("EXTRA_FLAGS", "--cache=true")));
        Assert.Empty(Directory.GetFiles(sandbox.Tmp));
        Assert.DoesNotContain("--config", sandbox.BuildKitdFlags(0));
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData("--insecure-registry", "bad\"host]")]
    [InlineData("--registry-certificate", "h=/certs/ca\".crt")]
    public async Task A_registry_or_certificate_that_cannot_be_written_into_toml_is_refused(string flag, string value)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = Env(sandbox, ("EXTRA_FLAGS", flag + " " + value));
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.BuildKit), env);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("generator: error: EXTRA_FLAGS:", run.StdErr);
        Assert.Empty(run.Calls);
        Assert.Throws<GeneratorInputException>(() => Oracle.Calls(manifest, BuilderKind.BuildKit, env));
    }

    // Item 5 (and issue 9's docker fallback)
    [NeedsToolsFact("busybox", "bash")]
    public async Task Docker_without_buildx_builds_with_docker_build_and_pushes_with_docker_push()
    {
        var manifest = TestManifests.Extended();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile, withoutBuildx: true);
        var env = Env(sandbox, ("EXTRA_FLAGS", "--cache=false --platform linux/amd64"), ("PUSH_RETRY", "2"));

        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.Docker, env, new TestHost { ProbeStatus = 1 });

        Assert.Equal(["buildx", "version"], run.Calls[0].Skip(1));
        Assert.Equal("build", run.Calls[1][1]);
        var build = run.Calls[1];
        Assert.Equal(sandbox.Context, build[^1]);
        Assert.Contains("GENERATOR_NAME=reformers-dt-wind-gen-fc", build);
        Assert.Contains("reformers-dt-wind-gen-fc.v1.grid-a.v1.CREATED=" + Created, build);
        Assert.Equal(["push", ExpectedArgs.ExtendedDest.Replace("wind-a:v2", "grid-a:v1", StringComparison.Ordinal)], run.Calls[2].Skip(1));
        Assert.Equal(3, run.Calls.Count);
        Assert.Contains("generator: note: docker buildx is not available", run.StdErr);
        Assert.DoesNotContain("is not a docker command", run.StdOut);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Docker_without_buildx_retries_only_the_push_and_never_runs_buildx_build()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile, new Dictionary<string, int> { ["docker"] = 5 }, withoutBuildx: true);
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Docker), Env(sandbox, ("PUSH_RETRY", "2")));
        Assert.Equal(5, run.ExitCode);
        // The check once, then the failing docker build; no push after a failed build and no buildx retries.
        Assert.Equal(2, run.Calls.Count);
        Assert.Contains("generator: error: docker build failed with exit code 5", run.StdErr);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Docker_that_cannot_run_at_all_is_reported_once_before_any_build()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        File.Delete(Path.Combine(sandbox.Bin, "docker"));
        var env = Env(sandbox, ("PATH", sandbox.Bin));
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Docker), env);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("generator: error: docker: the docker CLI cannot be run here", run.StdErr);
        Assert.Empty(run.Calls);
        Assert.Throws<GeneratorInputException>(() => Oracle.Calls(manifest, BuilderKind.Docker, env, new TestHost { ProbeStatus = 127 }));
    }

    // Item 7
    [NeedsToolsTheory("busybox", "bash")]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("0", true)]
    [InlineData("4", true)]
    public async Task Buildah_keeps_its_own_push_retries_unless_PUSH_RETRY_is_given(string? pushRetry, bool passed)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = Env(sandbox);
        if (pushRetry is not null) env["PUSH_RETRY"] = pushRetry;
        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.Buildah, env);
        var push = run.Calls[1];
        Assert.Equal(passed, push.Contains("--retry"));
        if (passed) Assert.Equal(pushRetry, push[push.ToList().IndexOf("--retry") + 1]);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Buildah_refuses_a_Dockerfile_path_with_a_comma_before_any_build()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox("a,b/Dockerfile");
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Buildah), Env(sandbox, ("MODEL_DOCKERFILE", "a,b/Dockerfile")));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("contains a comma, which buildah's -f cannot take", run.StdErr);
        Assert.Empty(run.Calls);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Remote_BuildKit_behind_mtls_gets_its_certificates()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await RunAgreeingAsync(sandbox, manifest, BuilderKind.BuildKit, Env(sandbox,
            ("BUILDKIT_HOST", "tcp://buildkitd:1234"), ("BUILDKIT_TLS_CA_CERT", "/c/ca.pem"), ("BUILDKIT_TLS_CERT", "/c/cert.pem"),
            ("BUILDKIT_TLS_KEY", "/c/key.pem")));
        Assert.Equal(["--addr", "tcp://buildkitd:1234", "--tlscacert", "/c/ca.pem", "--tlscert", "/c/cert.pem", "--tlskey", "/c/key.pem", "build"],
            run.Calls.Single().Skip(1).Take(9));
    }
}
