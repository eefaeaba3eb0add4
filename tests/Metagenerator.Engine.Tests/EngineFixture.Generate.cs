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

    /// <summary>
    /// The engine's containers (running or not, <c>docker ps -a</c>) created from <paramref name="image"/>, the generator
    /// image a test runs. The other engine collections run containers of their own at the same time, so a test that
    /// checks it leaves nothing behind compares only the containers of its own image: each test's generator has a name of
    /// its own, and a container left by its run names that image (<c>docker ps</c> shows the name it was created with
    /// while the name still means the container's image; the engine shows the image id instead after a re-tag, which no
    /// test does between its two looks).
    /// </summary>
    public async Task<IReadOnlyList<string>> ContainersAsync(string image)
    {
        var ps = await Engine.DockerAsync(["ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Image}}"]);
        ps.EnsureSuccess();
        return [.. ps.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .Where(fields => fields.Length == 2 && fields[1] == image)
            .Select(fields => fields[0])];
    }

    /// <summary>True when the engine has <paramref name="image"/> (pulled or loaded).</summary>
    public async Task<bool> HasImageAsync(string image) => (await Engine.DockerAsync(["image", "inspect", image])).ExitCode == 0;
}
