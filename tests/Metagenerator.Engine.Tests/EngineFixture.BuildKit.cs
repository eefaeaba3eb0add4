using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.Engine.Tests;

/// <summary>A buildkitd the generator runs reach on 127.0.0.1 (a container of the BuildKit stand-in in the private engine);
/// with mTLS, the client's CA, certificate and key are readable by the generator's uid 1000.</summary>
public sealed record BuildKitDaemon(string Address, string? ClientCertificates)
{
    /// <summary>Where a generator run mounts <see cref="ClientCertificates"/>.</summary>
    public const string MountedCertificates = "/buildkit-certs";

    /// <summary>The generator's BuildKit settings for this daemon (the client files under <see cref="MountedCertificates"/>).</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?> { ["BUILDKIT_HOST"] = Address };
        if (ClientCertificates is null) return settings;
        settings["BUILDKIT_TLS_CA_CERT"] = MountedCertificates + "/ca.pem";
        settings["BUILDKIT_TLS_CERT"] = MountedCertificates + "/client.pem";
        settings["BUILDKIT_TLS_KEY"] = MountedCertificates + "/client.key";
        return settings;
    }

    /// <summary>The <c>docker run</c> options that mount the client files (none without TLS).</summary>
    public IEnumerable<string> MountOptions() =>
        ClientCertificates is null ? [] : ["-v", $"{ClientCertificates}:{MountedCertificates}:ro"];
}

public sealed partial class EngineFixture
{
    /// <summary>What rootless BuildKit needs in a container (BuildKit's docs for the rootless image; the stand-in's
    /// newuidmap/newgidmap carry file capabilities, so nothing more).</summary>
    public static readonly string[] BuildKitRootlessOptions = ["--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined"];

    private static readonly object _buildKitGate = new();
    private static Task<string>? _buildKitBase;
    private static Task<BuildKitDaemon>? _buildKitTcp;
    private static Task<BuildKitDaemon>? _buildKitMtls;

    private static void ResetBuildKit()
    {
        lock (_buildKitGate) (_buildKitBase, _buildKitTcp, _buildKitMtls) = (null, null, null);
    }

    /// <summary>The BuildKit stand-in (moby/buildkit:v0.18.2-rootless), pushed to the registry; the reference to use as <c>build.base_image</c>.</summary>
    public Task<string> BuildKitBaseAsync()
    {
        lock (_buildKitGate) return _buildKitBase ??= PushBuildKitBaseAsync();
    }

    /// <summary>A buildkitd on tcp://127.0.0.1:PORT, plain (<paramref name="mtls"/> false) or with mutual TLS; one of each per run.</summary>
    public Task<BuildKitDaemon> BuildKitDaemonAsync(bool mtls)
    {
        lock (_buildKitGate)
            return mtls ? _buildKitMtls ??= StartBuildKitDaemonAsync(true) : _buildKitTcp ??= StartBuildKitDaemonAsync(false);
    }

    /// <summary>The program's output so far (the daemon's log), for a test's message.</summary>
    public async Task<string> BuildKitDaemonLogAsync(bool mtls) =>
        (await Engine.DockerAsync(["logs", "--tail", "200", mtls ? "mg-buildkitd-mtls" : "mg-buildkitd-tcp"])).StdErr;

    private async Task<string> PushBuildKitBaseAsync()
    {
        var started = DateTime.UtcNow;
        var standIn = await BuildKitStandIn.CreateAsync();
        await standIn.RootFilesystemAsync();
        Timings["BuildKit stand-in (mmdebstrap, or the cache)"] = DateTime.UtcNow - started;
        return await PushStandInAsync(standIn);
    }

    private async Task<BuildKitDaemon> StartBuildKitDaemonAsync(bool mtls)
    {
        var name = mtls ? "mg-buildkitd-mtls" : "mg-buildkitd-tcp";
        await BuildKitBaseAsync();
        var dir = _dir.Combine(name);
        Directory.CreateDirectory(dir);
        // The daemon pulls the model's base from the TLS registry on 127.0.0.1: trust its CA, and say https (BuildKit
        // takes a loopback registry for plain HTTP otherwise).
        File.Copy(CaBundle, Path.Combine(dir, "registry-ca.pem"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(dir, "buildkitd.toml"),
            $"[registry.\"{Registry.Host}\"]\n  http = false\n  ca = [\"/daemon/registry-ca.pem\"]\n");
        string? clientDir = null;
        var tlsArgs = new List<string>();
        if (mtls)
        {
            clientDir = _dir.Combine(name + "-client");
            await WriteMtlsCertificatesAsync(dir, clientDir);
            tlsArgs.AddRange(["--tlscacert", "/daemon/ca.pem", "--tlscert", "/daemon/server.pem", "--tlskey", "/daemon/server.key"]);
        }
        foreach (var file in Directory.EnumerateFiles(dir)) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var port = FreePort.Next();
        var address = $"tcp://127.0.0.1:{port}";
        // Upstream's documented way to run the rootless image: its own entrypoint (rootlesskit buildkitd) as uid 1000.
        (await Engine.DockerAsync(["run", "-d", "--name", name, "--network", "host", .. BuildKitRootlessOptions,
            "-v", $"{dir}:/daemon:ro", BuildKitStandIn.Name,
            "--addr", address, "--oci-worker-no-process-sandbox", "--config", "/daemon/buildkitd.toml", .. tlsArgs])).EnsureSuccess();
        var daemon = new BuildKitDaemon(address, clientDir);

        // Ready when buildctl (the real one, run from the unpacked archive on the host) lists the worker.
        var buildctl = Path.Combine(await RealBuilders.UnpackAsync(), "buildctl");
        var clientArgs = mtls
            ? new[] { "--tlscacert", Path.Combine(clientDir!, "ca.pem"), "--tlscert", Path.Combine(clientDir!, "client.pem"), "--tlskey", Path.Combine(clientDir!, "client.key") }
            : [];
        // Generous: the other engine collections build and run at the same time on the same 2 cores.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var probe = await ExternalTool.RunAsync(buildctl, ["--addr", address, .. clientArgs, "debug", "workers"], timeout: TimeSpan.FromSeconds(20));
            if (probe.ExitCode == 0 && probe.StdOut.Contains("linux/amd64", StringComparison.Ordinal)) return daemon;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"buildkitd ({name}) did not answer on {address}:\n{probe.StdErr}\n{await BuildKitDaemonLogAsync(mtls)}");
            await Task.Delay(500);
        }
    }

    /// <summary>The daemon's server certificate (the registry's: SAN 127.0.0.1) and a client certificate, both from the test CA.</summary>
    private async Task WriteMtlsCertificatesAsync(string daemonDir, string clientDir)
    {
        Directory.CreateDirectory(clientDir);
        var openssl = ExternalTool.Require("openssl");
        async Task Run(params string[] args) => (await ExternalTool.RunAsync(openssl, args, workingDirectory: clientDir)).EnsureSuccess();
        await Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=metagenerator generator");
        File.WriteAllText(Path.Combine(clientDir, "client.ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        await Run("x509", "-req", "-in", "client.csr", "-CA", Certificates.CaCertificatePath, "-CAkey", Path.Combine(Certificates.Directory, "ca.key"),
            "-CAcreateserial", "-out", "client.pem", "-days", "3", "-extfile", "client.ext");
        File.Copy(Certificates.CaCertificatePath, Path.Combine(clientDir, "ca.pem"), overwrite: true);
        foreach (var junk in new[] { "client.csr", "client.ext" }) File.Delete(Path.Combine(clientDir, junk));
        // The generator runs as uid 1000: its client files must be readable by it (test secrets, nothing else here).
        foreach (var file in Directory.EnumerateFiles(clientDir)) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Copy(Certificates.CaCertificatePath, Path.Combine(daemonDir, "ca.pem"), overwrite: true);
        File.Copy(Certificates.ServerCertificatePath, Path.Combine(daemonDir, "server.pem"), overwrite: true);
        File.Copy(Certificates.ServerKeyPath, Path.Combine(daemonDir, "server.key"), overwrite: true);
    }
}
