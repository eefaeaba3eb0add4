using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Entrypoint.Tests;

/// <summary>The rendered script, run under busybox sh with stand-in builders, passes exactly the argv the C# argument
/// functions compute for the same environment.</summary>
[Tier(Tier.Tools)]
public class ScriptAgreementTests
{
    private const string Created = "2026-11-25T10:00:00+00:00";

    public static TheoryData<string, BuilderKind, string> Cases()
    {
        var data = new TheoryData<string, BuilderKind, string>();
        string[] extras =
        [
            "",
            "--skip-tls-verify --cache=true",
            "--cache --cache-dir /kc --reproducible --label x=y",
            "--insecure-registry reformers-dev.ait.ac.at:8083 --registry-certificate=reformers-dev.ait.ac.at:8083=/certs/ca.crt",
            "--skip-tls-verify-registry=other:5000\t--cache=false\n--build-arg  EXTRA=1",
            "--insecure-pull --skip-tls-verify=false --registry-certificate /ca.crt *",
        ];
        foreach (var manifest in new[] { "seed", "extended" })
            foreach (var builder in Enum.GetValues<BuilderKind>())
                foreach (var extra in extras)
                    data.Add(manifest, builder, extra);
        return data;
    }

    [NeedsToolsTheory("dash", "bash", "busybox")]
    [MemberData(nameof(Cases))]
    public async Task Script_runs_exactly_the_commands_of_the_argument_functions(string manifestName, BuilderKind builder, string extraFlags)
    {
        var manifest = TestManifests.ByName(manifestName);
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = Created;
        env["EXTRA_FLAGS"] = extraFlags;
        env[manifest.BuildParameters[1].Name] = "overridden value";
        if (manifestName == "extended")
        {
            env["MODEL_INFO"] = "wind model";
            env["PUSH_RETRY"] = "2";
            env["VERBOSITY"] = "debug";
        }

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, builder), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = Oracle.Calls(manifest, builder, env);
        Assert.Equal(expected.Count, run.Calls.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(StandInFor(expected[i][0], sandbox), run.Calls[i][0]);
            Assert.Equal(expected[i].Skip(1), run.Calls[i].Skip(1));
        }
    }

    [NeedsToolsTheory("dash", "bash", "busybox")]
    [InlineData("")]
    [InlineData("tcp://buildkitd:1234")]
    public async Task BuildKit_uses_the_remote_daemon_only_when_BUILDKIT_HOST_is_set(string host)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = Created;
        env["BUILDKIT_HOST"] = host;

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.BuildKit), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        var call = Assert.Single(run.Calls);
        var expected = Oracle.Calls(manifest, BuilderKind.BuildKit, env).Single();
        Assert.Equal(expected.Skip(1), call.Skip(1));
        Assert.Equal(host.Length > 0 ? "buildctl" : "buildctl-daemonless.sh", Path.GetFileName(call[0]));
        if (host.Length > 0) Assert.Equal(["--addr", host, "build"], call.Skip(1).Take(3));
    }

    [NeedsToolsFact("dash", "bash", "busybox")]
    public async Task Buildah_gets_the_credentials_file_when_DOCKER_CONFIG_has_one()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = Created;
        env["DOCKER_CONFIG"] = sandbox.Root;
        File.WriteAllText(Path.Combine(sandbox.Root, "config.json"), "{\"auths\":{}}");

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Buildah), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Calls.Count);
        var authFile = Path.Combine(sandbox.Root, "config.json");
        foreach (var call in run.Calls)
            Assert.Equal(authFile, call[call.ToList().IndexOf("--authfile") + 1]);
        var expected = Oracle.Calls(manifest, BuilderKind.Buildah, env);
        Assert.Equal(expected[0].Skip(1), run.Calls[0].Skip(1));
        Assert.Equal(expected[1].Skip(1), run.Calls[1].Skip(1));
    }

    [NeedsToolsTheory("dash", "bash", "busybox")]
    [InlineData("/bin/dash")]
    [InlineData("/bin/bash", "--posix")]
    public async Task Other_posix_shells_run_the_script_the_same_way(params string[] shell)
    {
        Assert.True(File.Exists(shell[0]), shell[0] + " is not installed");
        var manifest = TestManifests.Extended();
        foreach (var builder in Enum.GetValues<BuilderKind>())
        {
            using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
            var env = sandbox.BaseEnvironment();
            env["MODEL_NAME"] = "grid-a";
            env["MODEL_TAG"] = "v1";
            env["CREATED"] = Created;
            env["PARK_NAME"] = "it's $(a) `b` *";
            env["EXTRA_FLAGS"] = "--cache=true --insecure-registry reformers-dev.ait.ac.at:8083 * --x";
            var script = GeneratorScript.Render(manifest, builder);

            var busybox = await sandbox.RunAsync(script, env);
            var other = await sandbox.RunWithShellAsync(shell, script, env);

            Assert.True(other.ExitCode == 0, other.ToString());
            Assert.Equal(busybox.StdOut, other.StdOut);
            Assert.Equal(busybox.Calls, other.Calls);
        }
    }

    [NeedsToolsFact("dash", "bash", "busybox")]
    public async Task A_config_key_named_like_a_builder_setting_feeds_it_in_both_twins()
    {
        var manifest = TestManifests.Seed() with
        {
            Config = [.. TestManifests.Seed().Config, new("BUILDKIT_HOST", new Manifest.ManifestValue("tcp://from-manifest:1234", 9, 5))],
        };
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = Created;

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.BuildKit), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = Oracle.Calls(manifest, BuilderKind.BuildKit, env).Single();
        Assert.Equal(expected.Skip(1), run.Calls.Single().Skip(1));
        Assert.Equal(["--addr", "tcp://from-manifest:1234"], expected.Skip(1).Take(2));
    }

    private static string StandInFor(string program, ScriptSandbox sandbox) => program switch
    {
        Builders.KanikoDefinition.ExecutorPath => Path.Combine(sandbox.Bin, "executor"),
        Builders.KanikoDefinition.WarmerPath => Path.Combine(sandbox.Bin, "warmer"),
        _ => Path.Combine(sandbox.Bin, program),
    };
}
