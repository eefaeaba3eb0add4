using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Metagenerator.TestSupport.Registry;

/// <summary>Token auth settings for <see cref="LocalRegistry"/> (distribution's <c>auth.token</c>).</summary>
public sealed record RegistryTokenAuth(string Realm, string Service, string Issuer, string RootCertBundlePath);

/// <summary>How to configure a <see cref="LocalRegistry"/>.</summary>
public sealed record LocalRegistryOptions
{
    /// <summary>Serve TLS with these certificates.</summary>
    public TestCertificates? Tls { get; init; }

    /// <summary>Require Basic auth against this htpasswd file.</summary>
    public string? HtpasswdPath { get; init; }

    /// <summary>Require bearer tokens from this issuer.</summary>
    public RegistryTokenAuth? TokenAuth { get; init; }
}

/// <summary>A real Debian <c>docker-registry serve CONFIG</c> on 127.0.0.1 with filesystem storage in a temp dir; stopped on dispose.</summary>
public sealed class LocalRegistry : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;
    private readonly ConcurrentQueue<string> _log;

    private LocalRegistry(Process process, TempDirectory dir, int port, bool tls, ConcurrentQueue<string> log)
    {
        _process = process;
        _dir = dir;
        Port = port;
        IsTls = tls;
        _log = log;
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as used in image references.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>True when the registry serves TLS.</summary>
    public bool IsTls { get; }

    /// <summary>The registry's storage directory.</summary>
    public string StorageDirectory => _dir.Combine("storage");

    /// <summary>The registry's log so far (stdout and stderr lines).</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>Writes a config.yml and starts the registry; returns once <c>/v2/</c> answers.</summary>
    public static async Task<LocalRegistry> StartAsync(LocalRegistryOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LocalRegistryOptions();
        var binary = ExternalTool.Require("docker-registry");
        Exception? last = null;
        // The free port can be taken between probing and binding; try a few.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var dir = new TempDirectory("mg-registry");
            var port = FreePort.Next();
            var configPath = dir.WriteFile("config.yml", Config(options, dir.Combine("storage"), port));
            var log = new ConcurrentQueue<string>();
            var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("serve");
            psi.ArgumentList.Add(configPath);
            var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var registry = new LocalRegistry(process, dir, port, options.Tls is not null, log);
            try
            {
                await registry.WaitReadyAsync(ct);
                return registry;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                last = e;
                await registry.DisposeAsync();
            }
        }
        throw new InvalidOperationException("docker-registry did not start", last);
    }

    private static string Config(LocalRegistryOptions options, string storage, int port)
    {
        var sb = new StringBuilder();
        sb.AppendLine("version: 0.1");
        sb.AppendLine("log:\n  level: info\n  formatter: text");
        sb.AppendLine($"storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false");
        sb.AppendLine($"http:\n  addr: 127.0.0.1:{port}\n  secret: metagenerator-test-secret");
        if (options.Tls is { } tls)
            sb.AppendLine($"  tls:\n    certificate: {tls.ServerCertificatePath}\n    key: {tls.ServerKeyPath}");
        if (options.HtpasswdPath is { } htpasswd)
            sb.AppendLine($"auth:\n  htpasswd:\n    realm: metagenerator-test\n    path: {htpasswd}");
        else if (options.TokenAuth is { } token)
            sb.AppendLine($"auth:\n  token:\n    realm: {token.Realm}\n    service: {token.Service}\n    issuer: {token.Issuer}\n    rootcertbundle: {token.RootCertBundlePath}");
        return sb.ToString();
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var url = $"{(IsTls ? "https" : "http")}://{Host}/v2/";
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}:\n{Log}");
            try
            {
                using var response = await http.GetAsync(url, ct);
                return; // any answer (200 or 401) means it is serving
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(50, ct);
        }
        throw new TimeoutException($"docker-registry on {Host} did not answer within 20 s:\n{Log}");
    }

    /// <summary>Stops the registry and deletes its storage.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _dir.Dispose();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
