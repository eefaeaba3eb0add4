using Metagenerator.TestSupport;

namespace Metagenerator.Engine.Tests;

public sealed partial class EngineFixture
{
    private static readonly string MetageneratorDll = Path.Combine(AppContext.BaseDirectory, "metagenerator.dll");

    /// <summary>
    /// <c>metagenerator generate ARGS</c> (the built program in a child process) against this engine (DOCKER_HOST), with
    /// the user's config.json unless ARGS name another; nothing of the developer's shell leaks in.
    /// </summary>
    public Task<ToolResult> GenerateAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = Engine.Host,
            ["EXTRA_FLAGS"] = null,
            ["DOCKER_CONFIG"] = null,
            ["SOURCE_DATE_EPOCH"] = null,
            ["HOME"] = _dir.Path,
        };
        if (environment is not null)
            foreach (var (k, v) in environment) env[k] = v;
        return ExternalTool.RunAsync(ExternalTool.Require("dotnet"), ["exec", MetageneratorDll, "generate", .. args], _dir.Path, env,
            timeout: timeout ?? TimeSpan.FromMinutes(10));
    }

    /// <summary>
    /// A <see cref="ModelWorkspace"/> for <paramref name="builder"/> whose generator image <c>metagenerator build</c> (the
    /// built program, not the metagenerator image: its <c>docker build</c> is the slowest step of these tests and proves
    /// nothing about <c>generate</c>) has pushed to the registry.
    /// </summary>
    internal async Task<ModelWorkspace> PushGeneratorWithCliAsync(string name, string builder, string generatorBase, Action<ModelWorkspace>? edit = null)
    {
        var ws = new ModelWorkspace(Registry.Host, name, "v1", builder, generatorBase, await ModelBaseAsync());
        edit?.Invoke(ws);
        ws.AddConfigJson(ConfigJson);
        var build = await ExternalTool.RunAsync(ExternalTool.Require("dotnet"),
            ["exec", MetageneratorDll, "build", "--workspace", ws.Path, "--registry-certificate", $"{Registry.Host}={CaBundle}"], ws.Path,
            new Dictionary<string, string?> { ["EXTRA_FLAGS"] = null, ["DOCKER_CONFIG"] = null, ["HOME"] = _dir.Path }, timeout: TimeSpan.FromMinutes(10));
        Assert.True(build.ExitCode == 0, build.StdOut + build.StdErr);
        return ws;
    }

    /// <summary>Every container the engine has, running or not (<c>docker ps -aq</c>). The engine tests run one at a time, so
    /// a container that is there after a test and was not before is the test's. (A filter by image would say nothing for an
    /// image the engine never pulled.)</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync()
    {
        var ps = await Engine.DockerAsync(["ps", "-aq", "--no-trunc"]);
        ps.EnsureSuccess();
        return ps.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>True when the engine has <paramref name="image"/> (pulled or loaded).</summary>
    public async Task<bool> HasImageAsync(string image) => (await Engine.DockerAsync(["image", "inspect", image])).ExitCode == 0;
}
