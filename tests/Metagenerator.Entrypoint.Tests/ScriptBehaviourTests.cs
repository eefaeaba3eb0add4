using System.Globalization;
using System.Text.RegularExpressions;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The rendered script's checks, defaults, output and failure handling, run under busybox sh.</summary>
[Tier(Tier.Tools)]
public class ScriptBehaviourTests
{
    private const string Created = "2026-11-25T10:00:00+00:00";

    private static Dictionary<string, string> Env(ScriptSandbox sandbox, params (string Key, string Value)[] values)
    {
        var env = sandbox.BaseEnvironment();
        env["MODEL_NAME"] = "grid-a";
        env["MODEL_TAG"] = "v1";
        env["CREATED"] = Created;
        foreach (var (k, v) in values) env[k] = v;
        return env;
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData("MODEL_NAME", null, "MODEL_NAME is not set")]
    [InlineData("MODEL_NAME", "", "MODEL_NAME is not set")]
    [InlineData("MODEL_TAG", null, "MODEL_TAG is not set")]
    [InlineData("MODEL_NAME", "Grid", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "grid.a", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "-grid", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "grid_", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "a___b", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "a_-b", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "a-_b", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "grid a", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "grid\na", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "grid/a", "MODEL_NAME is invalid")]
    [InlineData("MODEL_NAME", "grüd", "MODEL_NAME is invalid")]
    [InlineData("MODEL_TAG", "v1.0", "MODEL_TAG is invalid")]
    [InlineData("MODEL_TAG", "-v1", "MODEL_TAG is invalid")]
    [InlineData("MODEL_TAG", "v 1", "MODEL_TAG is invalid")]
    [InlineData("MODEL_TAG", "v1:2", "MODEL_TAG is invalid")]
    [InlineData("MODEL_TAG", "*", "MODEL_TAG is invalid")]
    [InlineData("PUSH_RETRY", "x", "PUSH_RETRY is invalid")]
    [InlineData("PUSH_RETRY", "-1", "PUSH_RETRY is invalid")]
    [InlineData("PUSH_RETRY", "10000", "PUSH_RETRY is invalid")]
    [InlineData("VERBOSITY", "loud", "VERBOSITY is invalid")]
    [InlineData("EXTRA_FLAGS", "--skip-tls-verify --insecure-registry", "EXTRA_FLAGS: a flag needs a value after it: --insecure-registry")]
    [InlineData("MODEL_DOCKERFILE", "missing/Dockerfile", "MODEL_DOCKERFILE: ")]
    public async Task Bad_input_stops_before_any_build_naming_the_variable(string variable, string? value, string message)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = Env(sandbox);
        if (value is null) env.Remove(variable);
        else env[variable] = value;

        foreach (var builder in Enum.GetValues<BuilderKind>())
        {
            var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, builder), env);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("generator: error: " + message, run.StdErr);
            Assert.Contains(variable, run.StdErr);
            Assert.Empty(run.Calls);
            Assert.DoesNotContain("pushed", run.StdOut);
        }
        // The C# evaluation of the same definition refuses the same input with the same message.
        var e = Assert.Throws<GeneratorInputException>(() => Oracle.Calls(manifest, BuilderKind.Kaniko, env));
        Assert.Equal(variable, e.Variable);
        Assert.StartsWith(message, e.Message);
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData("a", "V")]
    [InlineData("grid-a", "v1")]
    [InlineData("a__b", "_x")]
    [InlineData("a--b0", "V1_x-2")]
    [InlineData("a_b-c9", "0")]
    public async Task Valid_names_and_tags_build(string name, string tag)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await sandbox.RunAsync(
            GeneratorScript.Render(manifest, BuilderKind.Kaniko), Env(sandbox, ("MODEL_NAME", name), ("MODEL_TAG", tag)));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"reformers-dev.ait.ac.at:8083/example-generator/v3/{name}:{tag}", run.Calls.Single());
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Tag_length_limit_is_128()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var script = GeneratorScript.Render(manifest, BuilderKind.Kaniko);
        Assert.Equal(0, (await sandbox.RunAsync(script, Env(sandbox, ("MODEL_TAG", new string('t', 128))))).ExitCode);
        var tooLong = await sandbox.RunAsync(script, Env(sandbox, ("MODEL_TAG", new string('t', 129))));
        Assert.Equal(2, tooLong.ExitCode);
        Assert.Contains("MODEL_TAG is invalid", tooLong.StdErr);
        Assert.Empty(tooLong.Calls);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Unexpected_argument_is_an_error()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), Env(sandbox), "build");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unexpected argument: build", run.StdErr);
        Assert.Empty(run.Calls);
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData("help")]
    [InlineData("--help")]
    public async Task Help_lists_every_parameter_with_info_default_and_requiredness(string arg)
    {
        var manifest = TestManifests.Extended();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = sandbox.BaseEnvironment(); // no MODEL_NAME: help needs none
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Buildah), env, arg);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Calls);
        var help = run.StdOut;
        Assert.Contains("  MODEL_NAME (required)\n", help);
        Assert.Contains("  MODEL_TAG (required)\n", help);
        Assert.Contains("  MODEL_REGISTRY (optional)\n      default: reformers-dev.ait.ac.at:8083\n", help);
        Assert.Contains("  PARK_NAME (optional)\n      name of the wind park\n      default: WindparkAlkmaar\n", help);
        Assert.Contains("  REDIS_PASSWORD (optional)\n      password for redis connection\n      default: ***\n", help);
        Assert.DoesNotContain("r3f0rm3r5", help);
        Assert.Contains("  KNOWLEDGE_GRAPH_ENABLED (required)\n      whether to use knowledge graph for config generation\n      example: false\n", help);
        Assert.Contains("  KNOWLEDGE_GRAPH_ENDPOINT (optional)\n      endpoint of the knowledge graph database\n      default: http://localhost:7200/repositories/REFORMERS\n", help);
        foreach (var name in new[] { "CREATED", "MODEL_INFO", "EXTRA_FLAGS", "PUSH_RETRY", "VERBOSITY", "MODEL_BUILD_CONTEXT", "DOCKER_CONFIG", "STORAGE_DRIVER", "BUILDAH_ISOLATION" })
            Assert.Contains($"\n  {name} (optional)\n", help);
        var names = manifest.Config.Select(c => c.Key).Concat(manifest.BuildParameters.Select(p => p.Name))
            .Concat(manifest.RuntimeParameters.Select(p => p.Name)).Concat(manifest.OptionalParameters.Select(p => p.Name));
        foreach (var name in names) Assert.Matches($"\n  {name} \\((required|optional)\\)\n", help);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Printed_values_mask_secret_names_but_the_builder_gets_them()
    {
        var manifest = TestManifests.Extended();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = Env(sandbox, ("REDIS_PASSWORD", "hunter2-secret-value"), ("EXTRA_FLAGS", "--build-arg API_Token=tok-123 --reproducible"));

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        var output = run.StdOut + run.StdErr;
        Assert.Contains("  REDIS_PASSWORD=***\n", run.StdOut);
        Assert.DoesNotContain("hunter2", output);
        Assert.DoesNotContain("tok-123", output);
        Assert.Contains("  EXTRA_FLAGS=--build-arg *** --reproducible\n", run.StdOut);
        Assert.Contains("  PARK_NAME=WindparkAlkmaar\n", run.StdOut);
        Assert.Contains("  MODEL_NAME=grid-a\n", run.StdOut);
        Assert.Contains($"  CREATED={Created}\n", run.StdOut);
        Assert.Contains("  destination=reformers-dev.ait.ac.at:8083/reformers-dt-wind-gen-fc/v1/grid-a:v1\n", run.StdOut);
        Assert.Contains("REDIS_PASSWORD=hunter2-secret-value", run.Calls.Single());
        Assert.Contains("API_Token=tok-123", run.Calls.Single());
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Set_but_empty_overrides_the_default_and_empty_registry_drops_the_prefix()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = Env(sandbox, ("GRID_DATA", ""), ("MODEL_REGISTRY", ""));

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        var args = run.Calls.Single();
        Assert.Contains("GRID_DATA=", args);
        Assert.Contains("example-generator.v3.grid-a.v1.GRID_DATA=", args);
        Assert.Equal("example-generator/v3/grid-a:v1", args[args.ToList().IndexOf("--destination") + 1]);
        Assert.Contains("CONFIG_FILE=/config/config.yml", args); // unset: the manifest default
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Created_defaults_to_the_current_utc_time_in_seconds(bool setEmpty)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var env = Env(sandbox);
        if (setEmpty) env["CREATED"] = "";
        else env.Remove("CREATED");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), env);

        Assert.True(run.ExitCode == 0, run.ToString());
        var label = run.Calls.Single().Single(a => a.StartsWith("example-generator.v3.grid-a.v1.CREATED=", StringComparison.Ordinal));
        var value = label[(label.IndexOf('=') + 1)..];
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$"), value);
        var time = DateTimeOffset.ParseExact(value, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        Assert.InRange(time, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task A_failing_builder_fails_the_run_with_its_exit_code()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile, new Dictionary<string, int> { ["executor"] = 3 });
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), Env(sandbox));
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("generator: error: kaniko executor failed with exit code 3", run.StdErr);
        Assert.Single(run.Calls); // kaniko retries pushes itself (--push-retry)
        Assert.DoesNotContain("pushed", run.StdOut);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task A_failing_warmer_is_a_warning_and_the_executor_still_builds()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile, new Dictionary<string, int> { ["warmer"] = 1 });
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Kaniko), Env(sandbox, ("EXTRA_FLAGS", "--cache=true"), ("KANIKO_WARM_CACHE", "true")));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("generator: warning: kaniko warmer failed with exit code 1; going on without it", run.StdErr);
        Assert.DoesNotContain("generator: error", run.StdErr); // the run goes on: nothing the user must act on
        Assert.Equal(["warmer", "executor"], run.Calls.Select(c => Path.GetFileName(c[0])));
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task Buildah_push_is_not_attempted_when_bud_fails()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile, new Dictionary<string, int> { ["buildah"] = 125 });
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, BuilderKind.Buildah), Env(sandbox));
        Assert.Equal(125, run.ExitCode);
        Assert.Contains("generator: error: buildah bud failed with exit code 125", run.StdErr);
        Assert.Contains("bud", Assert.Single(run.Calls));
    }

    [NeedsToolsTheory("busybox", "bash")]
    [InlineData(BuilderKind.BuildKit, "buildctl-daemonless.sh", "0", 1)]
    [InlineData(BuilderKind.BuildKit, "buildctl-daemonless.sh", "1", 2)]
    [InlineData(BuilderKind.Docker, "docker", "2", 3)]
    public async Task Builders_without_their_own_push_retry_are_rerun_PUSH_RETRY_times(BuilderKind builder, string program, string retries, int calls)
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile, new Dictionary<string, int> { [program] = 4 });
        var run = await sandbox.RunAsync(GeneratorScript.Render(manifest, builder), Env(sandbox, ("PUSH_RETRY", retries)));
        Assert.Equal(4, run.ExitCode);
        var builds = run.Calls.Where(c => !ScriptSandbox.IsBuildxProbe(c)).ToList(); // docker's one capability check is not a build
        Assert.Equal(calls, builds.Count);
        Assert.All(builds, c => Assert.Equal(builds[0], c));
        Assert.Contains("failed with exit code 4", run.StdErr);
    }

    [NeedsToolsFact("busybox", "bash")]
    public async Task A_missing_builder_program_says_so()
    {
        var manifest = TestManifests.Seed();
        using var sandbox = new ScriptSandbox(manifest.ModelDockerfile);
        var run = await sandbox.RunAsync(
            GeneratorScript.Render(manifest, BuilderKind.Kaniko), Env(sandbox, ("KANIKO_EXECUTOR", Path.Combine(sandbox.Root, "nope"))));
        Assert.Equal(127, run.ExitCode);
        Assert.Contains("not found; is the generator base image right for this builder?", run.StdErr);
    }
}
