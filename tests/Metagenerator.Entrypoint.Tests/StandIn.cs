using System.Diagnostics;
using System.Text;
using Metagenerator.TestSupport;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The result of running a rendered generator script under busybox sh with stand-in builders.</summary>
internal sealed record ScriptRun(int ExitCode, string StdOut, string StdErr, IReadOnlyList<IReadOnlyList<string>> Calls)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}\ncalls: {Calls.Count}";
}

/// <summary>Runs a rendered script under /usr/bin/busybox sh, with stand-in executables that record their argv (NUL-separated)
/// in the builders' places: on PATH for buildah, buildctl, buildctl-daemonless.sh and docker; via KANIKO_EXECUTOR and
/// KANIKO_WARMER for kaniko's absolute paths.</summary>
internal sealed class ScriptSandbox : IDisposable
{
    public static readonly string[] StandInNames = ["buildah", "buildctl", "buildctl-daemonless.sh", "docker", "executor", "warmer"];

    private readonly TempDirectory _dir = new("mg-gen");

    /// <param name="dockerfile">The Dockerfile to create, relative to the context.</param>
    /// <param name="exitCodes">Exit codes of stand-ins (default 0).</param>
    /// <param name="withoutBuildx">The docker stand-in answers <c>docker buildx</c> as a CLI without the plugin does.</param>
    public ScriptSandbox(string dockerfile = "Dockerfile", IReadOnlyDictionary<string, int>? exitCodes = null, bool withoutBuildx = false)
    {
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Tmp);
        Directory.CreateDirectory(EnvRecords);
        Directory.CreateDirectory(Records);
        Directory.CreateDirectory(Context);
        foreach (var name in StandInNames)
        {
            var path = Path.Combine(Bin, name);
            var exit = exitCodes is not null && exitCodes.TryGetValue(name, out var code) ? code : 0;
            // bash, not busybox: printf '%s\0' is what makes NUL-separated records reliable.
            File.WriteAllText(path,
                "#!/bin/bash\n" +
                $"d='{Records}'\n" +
                "n=$(ls \"$d\" | wc -l)\n" +
                "printf '%s\\0' \"$0\" \"$@\" > \"$d/$(printf '%03d' \"$n\")\"\n" +
                $"printf '%s' \"${{BUILDKITD_FLAGS-}}\" > '{EnvRecords}/'\"$n\"\n" +
                // A docker CLI has buildx (exit 0 for 'docker buildx version') unless told otherwise; other exit codes
                // are for the builds.
                (name == "docker"
                    ? $"if [ \"$1\" = buildx ] && [ \"$2\" = version ]; then {(withoutBuildx ? "echo \"docker: 'buildx' is not a docker command.\" >&2; exit 1" : "exit 0")}; fi\n"
                      + (withoutBuildx ? "if [ \"$1\" = buildx ]; then exit 1; fi\n" : "")
                    : "") +
                $"exit {exit}\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        WriteDockerfile(dockerfile);
    }

    public string Root => _dir.Path;
    public string Bin => _dir.Combine("bin");
    public string Records => _dir.Combine("records");
    public string Context => _dir.Combine("model-src");
    public string Tmp => _dir.Combine("tmp");
    public string EnvRecords => _dir.Combine("env");

    /// <summary>Whether a recorded call is docker's buildx capability check.</summary>
    public static bool IsBuildxProbe(IReadOnlyList<string> call) =>
        Path.GetFileName(call[0]) == "docker" && call.Skip(1).SequenceEqual(["buildx", "version"]);

    /// <summary>BUILDKITD_FLAGS as the <paramref name="index"/>th call saw it.</summary>
    public string BuildKitdFlags(int index) => File.ReadAllText(Path.Combine(EnvRecords, index.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public void WriteDockerfile(string relative)
    {
        var path = Path.Combine(Context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "FROM scratch\n");
    }

    /// <summary>The environment every run starts from (nothing inherited from the test process).</summary>
    public Dictionary<string, string> BaseEnvironment() => new(StringComparer.Ordinal)
    {
        ["PATH"] = Bin + ":/usr/bin:/bin",
        ["HOME"] = Root,
        ["MODEL_BUILD_CONTEXT"] = Context,
        ["DOCKER_CONFIG"] = Path.Combine(Root, "no-docker-config"),
        ["KANIKO_EXECUTOR"] = Path.Combine(Bin, "executor"),
        ["KANIKO_WARMER"] = Path.Combine(Bin, "warmer"),
        ["TMPDIR"] = Tmp,
    };

    /// <summary>Writes <paramref name="script"/> and runs it with exactly <paramref name="environment"/>.</summary>
    public Task<ScriptRun> RunAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunWithShellAsync(["/usr/bin/busybox", "sh"], script, environment, args);

    /// <summary>Like <see cref="RunAsync"/> with another shell (<c>/bin/dash</c>, <c>bash --posix</c>).</summary>
    public async Task<ScriptRun> RunWithShellAsync(string[] shell, string script, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        foreach (var f in Directory.GetFiles(Records).Concat(Directory.GetFiles(EnvRecords))) File.Delete(f);
        var scriptPath = Path.Combine(Root, "generator.sh");
        await File.WriteAllTextAsync(scriptPath, script);
        var psi = new ProcessStartInfo(shell[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var s in shell.Skip(1)) psi.ArgumentList.Add(s);
        psi.ArgumentList.Add(scriptPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        var calls = Directory.GetFiles(Records).Order(StringComparer.Ordinal)
            .Select(f => (IReadOnlyList<string>)ParseRecord(File.ReadAllBytes(f))).ToList();
        return new ScriptRun(process.ExitCode, await stdout, await stderr, calls);
    }

    private static List<string> ParseRecord(byte[] bytes)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != 0) continue;
            words.Add(Encoding.UTF8.GetString(bytes, start, i - start));
            start = i + 1;
        }
        Assert.Equal(bytes.Length, start); // every word is NUL-terminated
        return words;
    }

    public void Dispose() => _dir.Dispose();
}
