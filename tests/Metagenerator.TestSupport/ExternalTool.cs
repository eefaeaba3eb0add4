using System.Diagnostics;
using System.Text;

namespace Metagenerator.TestSupport;

/// <summary>The outcome of running a program.</summary>
public sealed record ToolResult(string FileName, IReadOnlyList<string> Arguments, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Throws with the command line and its output when the program failed.</summary>
    public ToolResult EnsureSuccess()
    {
        if (ExitCode != 0)
            throw new InvalidOperationException(
                $"{FileName} {string.Join(' ', Arguments)} exited {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        return this;
    }
}

/// <summary>Runs external programs we did not write (skopeo, umoci, buildah, openssl, htpasswd, docker-registry).</summary>
public static class ExternalTool
{
    /// <summary>Full path of <paramref name="name"/> on PATH (or under /usr/sbin, /usr/bin), or null.</summary>
    public static string? Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/bin", "/sbin"]);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Full path of <paramref name="name"/>; fails the test when it is missing. Tests that need a program declare it with
    /// <see cref="Tiers.NeedsToolsFactAttribute"/>, which skips them outside CI before they get here.
    /// </summary>
    public static string Require(string name) =>
        Find(name) ?? throw new InvalidOperationException(
            $"'{name}' is not installed; scripts/setup-debian installs every program the tests use");

    /// <summary>Runs a program to completion and captures its output.</summary>
    public static async Task<ToolResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? stdin = null,
        TimeSpan? timeout = null,
        CancellationToken ct = default)
    {
        var args = arguments.ToList();
        var psi = new ProcessStartInfo(fileName.Contains('/') ? fileName : Require(fileName))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment)
            {
                if (v is null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
            }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var outTask = process.StandardOutput.ReadToEndAsync(ct);
        var errTask = process.StandardError.ReadToEndAsync(ct);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in time");
        }
        return new ToolResult(fileName, args, process.ExitCode, await outTask, await errTask);
    }

    /// <summary>Runs a program and throws unless it exits 0.</summary>
    public static async Task<ToolResult> RunCheckedAsync(string fileName, params string[] arguments) =>
        (await RunAsync(fileName, arguments)).EnsureSuccess();
}
