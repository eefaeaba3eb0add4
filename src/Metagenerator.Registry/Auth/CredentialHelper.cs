using System.Diagnostics;
using System.Text.Json;

namespace Metagenerator.Registry.Auth;

/// <summary>Runs <c>docker-credential-NAME get</c> (the Docker credential helper protocol).</summary>
/// <remarks>
/// The server URL goes to stdin; stdout is <c>{"ServerURL","Username","Secret"}</c>. A Username of <c>&lt;token&gt;</c>
/// means Secret is an identity token. "credentials not found" on a non-zero exit means no credentials.
/// https://github.com/docker/docker-credential-helpers
/// </remarks>
internal static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<RegistryCredential?> GetAsync(string name, string serverUrl, string configPath, Func<string, string?> env, CancellationToken ct)
    {
        var program = "docker-credential-" + name;
        var path = Find(program, env("PATH"))
            ?? throw new CredentialConfigException($"{configPath}: credential helper '{name}' is configured, but {program} was not found on PATH; install it or remove it from the config", configPath);
        var source = $"{program} (configured in {configPath})";

        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("get");
        using var process = Process.Start(psi) ?? throw new CredentialConfigException($"{source}: could not be started", configPath);
        var stdoutTask = process.StandardOutput.ReadToEndAsync(ct);
        var stderrTask = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.StandardInput.WriteAsync(serverUrl.AsMemory(), ct).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // A helper that answers without reading stdin may already have exited; its output still counts.
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new CredentialConfigException($"{source}: did not answer within {Timeout.TotalSeconds:0} s", configPath);
        }
        var stdout = await stdoutTask.ConfigureAwait(false);
        var stderr = await stderrTask.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            if ((stdout + stderr).Contains("credentials not found", StringComparison.OrdinalIgnoreCase)) return null;
            // The helper's output could echo a secret, so it is not quoted.
            throw new CredentialConfigException($"{source}: 'get' for {serverUrl} failed with exit code {process.ExitCode}", configPath);
        }
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            var username = root.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var secret = root.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (string.IsNullOrEmpty(secret)) return null;
            return username == "<token>"
                ? new RegistryCredential { IdentityToken = secret, Source = source }
                : new RegistryCredential { Username = username, Password = secret, Source = source };
        }
        catch (JsonException)
        {
            throw new CredentialConfigException($"{source}: 'get' for {serverUrl} did not print the expected JSON {{\"Username\":…,\"Secret\":…}}", configPath);
        }
    }

    private static string? Find(string program, string? pathVariable)
    {
        foreach (var dir in (pathVariable ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
