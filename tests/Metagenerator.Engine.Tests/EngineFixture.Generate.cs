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

    /// <summary>The containers the engine has (running or not) of <paramref name="image"/>: the ids <c>docker ps -a</c> lists.</summary>
    public async Task<IReadOnlyList<string>> ContainersOfAsync(string image)
    {
        var ps = await Engine.DockerAsync(["ps", "-aq", "--filter", $"ancestor={image}"]);
        ps.EnsureSuccess();
        return ps.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
