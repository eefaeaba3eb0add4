using System.Diagnostics;
using Metagenerator.Entrypoint.Script;
using Metagenerator.Entrypoint.Tests.Evaluation;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The machine as the C# evaluation of a script sees it: by default this machine (files, sockets, mount points),
/// with a docker that has buildx; each answer can be replaced for argv tests that name paths that do not exist here.</summary>
internal sealed record TestHost : IScriptHost
{
    public Func<string, bool> RegularFile { get; init; } = File.Exists;

    public Func<string, bool> Socket { get; init; } = IsSocket;

    public Func<string, bool> MountPoint { get; init; } = IsMountPoint;

    /// <summary>[ -r PATH ]: the tests run as root, who reads every file.</summary>
    public Func<string, bool> Readable { get; init; } = _ => true;

    /// <summary>rootlesskit can start (or is not needed): true as the tests run (root).</summary>
    public bool RootlessKitStarts { get; init; } = true;

    /// <summary>The user id the script reports; the tests' own by default.</summary>
    public string UserIdText { get; init; } = CurrentUserId();

    public int ProbeStatus { get; init; }

    public string Time { get; init; } = "";

    /// <summary>For argv tests: every Dockerfile exists, nothing else (no config.json, no socket, no mount point).</summary>
    public static TestHost Imagined() => new()
    {
        RegularFile = p => !p.EndsWith("/config.json", StringComparison.Ordinal),
        Socket = _ => false,
        MountPoint = _ => false,
    };

    public bool Ask(HostQuestion question, string path) => question switch
    {
        HostQuestion.RegularFile => RegularFile(path),
        HostQuestion.Socket => Socket(path),
        HostQuestion.MountPoint => MountPoint(path),
        HostQuestion.Readable => Readable(path),
        HostQuestion.RootlessKitStarts => RootlessKitStarts,
        _ => throw new ArgumentOutOfRangeException(nameof(question)),
    };

    public int Probe(IReadOnlyList<string> argv) => ProbeStatus;

    public string Now() => Time;

    public string UserId() => UserIdText;

    /// <summary>The effective uid, from the Uid line of /proc/self/status (real, effective, saved, fs).</summary>
    private static string CurrentUserId() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2];

    private static bool IsSocket(string path)
    {
        using var test = Process.Start(new ProcessStartInfo("/usr/bin/test", ["-S", path]))!;
        test.WaitForExit();
        return test.ExitCode == 0;
    }

    /// <summary>Field 5 of /proc/self/mountinfo, compared as the script compares it.</summary>
    public static bool IsMountPoint(string path) =>
        File.Exists("/proc/self/mountinfo")
        && File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 4 } f && f[4] == path);
}

/// <summary>Short calls of the C# evaluation of a generator script.</summary>
internal static class Oracle
{
    public static ScriptOutcome Run(Manifest.GeneratorManifest manifest, BuilderKind builder, IReadOnlyDictionary<string, string> env, TestHost? host = null) =>
        ScriptOracle.Run(manifest, builder, env, host ?? new TestHost());

    /// <summary>Every call, program first.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Calls(Manifest.GeneratorManifest manifest, BuilderKind builder, IReadOnlyDictionary<string, string> env, TestHost? host = null) =>
        Run(manifest, builder, env, host).Calls;

    /// <summary>The one call whose argv starts with <paramref name="program"/> and includes <paramref name="marker"/> (for
    /// tests about one command of a builder).</summary>
    public static IReadOnlyList<string>? Call(IReadOnlyList<IReadOnlyList<string>> calls, string program, string marker) =>
        calls.SingleOrDefault(c => c[0] == program && c.Contains(marker));
}
