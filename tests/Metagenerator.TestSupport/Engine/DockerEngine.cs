using System.Diagnostics;

namespace Metagenerator.TestSupport.Engine;

/// <summary>
/// A private Docker engine (Debian's <c>dockerd</c>) in a short temp directory: overlay2 or vfs storage, no bridge, no iptables, its
/// own socket, so it touches nothing of the machine's. Containers reach registries on 127.0.0.1 with
/// <c>--network host</c>. Stopped by its PID on dispose.
/// </summary>
public sealed class DockerEngine : IAsyncDisposable
{
    private readonly Process _process;

    private DockerEngine(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>The engine's directory: data root, exec root, socket, log.</summary>
    public string Directory { get; }

    /// <summary>The unix socket the engine listens on.</summary>
    public string Socket => Path.Combine(Directory, "docker.sock");

    /// <summary>The <c>DOCKER_HOST</c> value for clients.</summary>
    public string Host => "unix://" + Socket;

    /// <summary>The docker CLI the tests use.</summary>
    public static string Cli => ExternalTool.Require("docker");

    /// <summary>The engine's log so far.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(Directory, "dockerd.log");

    /// <summary>The storage driver the engine uses: overlay2 where the temp directory's file system allows it, else vfs.</summary>
    public string StorageDriver { get; private init; } = "";

    /// <summary>
    /// Starts <c>dockerd</c> and returns once <c>docker version</c> answers. overlay2 first (layers shared, not copied:
    /// the SDK stage of the Dockerfile is a gigabyte), vfs where overlay2 cannot run (e.g. /tmp itself on overlayfs).
    /// With overlay2 the engine starts from a copy of <paramref name="seed"/> when it has one for this dockerd
    /// (<see cref="SeededImages"/>).
    /// </summary>
    public static async Task<DockerEngine> StartAsync(EngineSeed? seed = null, CancellationToken ct = default)
    {
        try
        {
            return await StartAsync("overlay2", dataRoot: null, seed, ct);
        }
        catch (InvalidOperationException)
        {
            return await StartAsync("vfs", dataRoot: null, seed: null, ct);
        }
    }

    /// <summary>Starts <c>dockerd</c> with <paramref name="storageDriver"/>; a given <paramref name="dataRoot"/> outlives
    /// the engine (<see cref="EngineSeed"/> makes its seeds so), else it is in the engine's directory.</summary>
    internal static async Task<DockerEngine> StartAsync(string storageDriver, string? dataRoot, EngineSeed? seed, CancellationToken ct)
    {
        var dockerd = ExternalTool.Require("dockerd");
        // Unix socket paths are limited to 108 bytes: keep the directory short, directly under /tmp.
        var dir = System.IO.Directory.CreateTempSubdirectory("mgd-").FullName;
        dataRoot ??= Path.Combine(dir, "root");
        var identity = EngineIdentity(dockerd, storageDriver);
        var seeded = seed is null ? new HashSet<string>() : await seed.CopyToAsync(dataRoot, identity, ct);
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // sh only redirects the daemon's output into a file (no pipe that could fill); exec keeps the PID dockerd's.
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$MG_DOCKERD_LOG\" 2>&1");
        psi.ArgumentList.Add(dockerd);
        foreach (var arg in new[]
                 {
                     "--iptables=false", "--ip-masq=false", "--bridge=none", "--storage-driver=" + storageDriver,
                     // Containers still running when the tests end (buildkitd) are killed after 1 s, not 15.
                     "--shutdown-timeout=1",
                     "--data-root", dataRoot, "--exec-root", Path.Combine(dir, "exec"),
                     "--pidfile", Path.Combine(dir, "pid"), "-H", "unix://" + Path.Combine(dir, "docker.sock"),
                 })
            psi.ArgumentList.Add(arg);
        psi.Environment["MG_DOCKERD_LOG"] = Path.Combine(dir, "dockerd.log");
        var engine = new DockerEngine(Process.Start(psi)!, dir) { StorageDriver = storageDriver, Identity = identity, SeededImages = seeded };
        try
        {
            await engine.WaitReadyAsync(ct);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Which engines can share a data root: the same dockerd program and storage driver.</summary>
    private static string EngineIdentity(string dockerd, string storageDriver)
    {
        var program = new FileInfo(dockerd);
        program = program.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? program;
        return $"dockerd {program.FullName} {program.Length} {program.LastWriteTimeUtc.Ticks} {storageDriver}";
    }

    /// <summary>The dockerd program and storage driver (a seed is used only by an engine of the same identity).</summary>
    public string Identity { get; private init; } = "";

    /// <summary>The keys (<see cref="StandInLoad.Key"/>) of the stand-ins the engine started with, from its seed.</summary>
    public IReadOnlySet<string> SeededImages { get; private init; } = new HashSet<string>();

    /// <summary>Every stand-in the engine got, seeded or not, in order: what a new seed is made of (<see cref="EngineSeed.RefreshAsync"/>).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<StandInLoad> StandIns { get; } = new();

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"dockerd exited with {_process.ExitCode}:\n{Log}");
            if (File.Exists(Socket) && (await DockerAsync(["version", "--format", "{{.Server.Version}}"], timeout: TimeSpan.FromSeconds(20), ct: ct)).ExitCode == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"dockerd did not answer 'docker version' within 2 minutes:\n{Log}");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Runs the docker CLI against this engine.</summary>
    public Task<ToolResult> DockerAsync(
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null,
        CancellationToken ct = default)
    {
        var env = new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = Host,
            // A private client configuration: no credentials or settings of the machine's user leak in.
            ["DOCKER_CONFIG"] = Path.Combine(Directory, "client"),
            ["DOCKER_BUILDKIT"] = "0",
        };
        if (environment is not null)
            foreach (var (k, v) in environment) env[k] = v;
        return ExternalTool.RunAsync(Cli, args, workingDirectory, env, timeout: timeout ?? TimeSpan.FromMinutes(10), ct: ct);
    }

    /// <summary>
    /// <c>docker import</c> of a root filesystem tar as <paramref name="name"/>, in the engine's unpacking queue
    /// (<see cref="UnpackAsync"/>).
    /// </summary>
    public Task ImportAsync(string tar, string name, IEnumerable<string> changes, CancellationToken ct = default)
    {
        var args = new List<string> { "import" };
        foreach (var change in changes) args.AddRange(["--change", change]);
        args.AddRange([tar, name]);
        return UnpackAsync(args, ct);
    }

    /// <summary>
    /// Imports a stand-in's root filesystem as <see cref="ImportAsync"/> does, unless the engine's seed already holds the
    /// same import (then the import is skipped, and <see cref="UnpackLog"/> says so).
    /// </summary>
    public async Task ImportStandInAsync(string tar, string name, IReadOnlyList<string> changes, CancellationToken ct = default)
    {
        var load = new StandInLoad(name, tar, changes, PulledFrom: null);
        if (SeededImages.Contains(load.Key))
            UnpackLog.Enqueue($"docker import of {name}: none, the engine's seed has it");
        else
            await ImportAsync(tar, name, changes, ct);
        StandIns.Enqueue(load);
    }

    /// <summary><c>docker pull</c> of <paramref name="reference"/>, in the engine's unpacking queue (<see cref="UnpackAsync"/>).</summary>
    public Task PullAsync(string reference, CancellationToken ct = default) => UnpackAsync(["pull", "--quiet", reference], ct);

    /// <summary>
    /// Runs a docker command that unpacks a stand-in (import or pull), one at a time per engine, in the order asked:
    /// stand-ins are hundreds of megabytes to a gigabyte, unpacked side by side they slow each other down (the SDK
    /// stand-in's import, 8 to 18 s alone, took 81 s beside four others), and the first asked for is the one most needed.
    /// </summary>
    private async Task UnpackAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var queued = Stopwatch.StartNew();
        await _unpacking.WaitAsync(ct);
        var waited = queued.Elapsed;
        try
        {
            var unpacking = Stopwatch.StartNew();
            (await DockerAsync(args, ct: ct)).EnsureSuccess();
            UnpackLog.Enqueue($"docker {args[0]} of {args[^1]}: {unpacking.Elapsed.TotalSeconds:F0} s after {waited.TotalSeconds:F0} s in the queue");
        }
        finally { _unpacking.Release(); }
    }

    private readonly SemaphoreSlim _unpacking = new(1, 1);

    /// <summary>One line per import or pull done, in order: how long it took and how long it waited for the one before it.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> UnpackLog { get; } = new();

    /// <summary>Runs the docker CLI and throws unless it exits 0.</summary>
    public async Task<ToolResult> DockerCheckedAsync(params string[] args) => (await DockerAsync(args)).EnsureSuccess();

    /// <summary>Stops the daemon (SIGTERM, then SIGKILL after 30 s) and starts deleting its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await ExternalTool.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(); await _process.WaitForExitAsync(); }
        }
        _process.Dispose();
        // dockerd leaves its default network namespace bind-mounted under the exec root, which rm cannot remove.
        var netns = Path.Combine(Directory, "exec", "netns", "default");
        if (File.Exists(netns)) await ExternalTool.RunAsync("umount", [netns]);
        // rm is faster than Directory.Delete on gigabytes (vfs keeps every layer as a full copy) and copes with read-only
        // files. It takes seconds even so, at the end of every engine test run, so it goes on by itself: not waited for,
        // and with no stream of the test process held open (the test runner waits for those to close).
        var rm = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", "exec rm -rf \"$0\" </dev/null >/dev/null 2>&1", Directory }) rm.ArgumentList.Add(arg);
        Process.Start(rm)?.Dispose();
    }
}
