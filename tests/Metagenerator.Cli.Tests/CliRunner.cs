using Metagenerator.TestSupport;

namespace Metagenerator.Cli.Tests;

/// <summary>Runs the real <c>metagenerator</c> program (its built dll) in a child process, as a user would.</summary>
internal static class CliRunner
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "metagenerator.dll");

    public static Task<ToolResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var env = new Dictionary<string, string?>
        {
            // The tests decide about these explicitly; the developer's shell must not leak in.
            ["EXTRA_FLAGS"] = null,
            ["DOCKER_CONFIG"] = null,
            ["SOURCE_DATE_EPOCH"] = null,
            ["HOME"] = workingDirectory,
        };
        if (environment is not null)
            foreach (var (k, v) in environment) env[k] = v;
        return ExternalTool.RunAsync(ExternalTool.Require("dotnet"), ["exec", Dll, .. args], workingDirectory, env, timeout: TimeSpan.FromMinutes(3));
    }

    public static Task<ToolResult> RunAsync(string workingDirectory, params string[] args) => RunAsync(workingDirectory, null, args);
}
