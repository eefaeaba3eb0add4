using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Metagenerator.TestSupport;

namespace Metagenerator.Generator.Tests;

/// <summary>Debian's docker-registry serving plain HTTP on 127.0.0.1 at a free port, with its storage in a temp directory.</summary>
/// <remarks>Kept in this test project on purpose; the shared TestSupport gets a richer one (TLS, auth) elsewhere.</remarks>
internal sealed class LocalRegistry : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("mg-registry");
    private Process? _process;

    public int Port { get; private set; }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public static async Task<LocalRegistry> StartAsync()
    {
        var registry = new LocalRegistry();
        await registry.StartInternalAsync();
        return registry;
    }

    private async Task StartInternalAsync()
    {
        Port = FreePort();
        var config = _dir.WriteFile("config.yml", $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {_dir.Combine("data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{Port}
            """);
        var psi = new ProcessStartInfo(ExternalTool.Require("docker-registry"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"http://{Host}/v2/");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"docker-registry did not start on {Host}");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _dir.Dispose();
    }
}
