using System.Net.Sockets;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary><c>generate</c> without a usable engine: a socket this user may not open, and no socket at all (exit 7, what to do).</summary>
[Tier(Tier.Tools)]
public class GenerateEngineAccessTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "metagenerator.dll");

    [NeedsToolsFact("setpriv")]
    public async Task A_socket_this_user_may_not_open_is_a_permission_error()
    {
        using var dir = new TempDirectory("mg-gen-perm");
        dir.WriteFile("config.json", "{\"auths\":{}}");
        // A listening socket that only its owner may use: root runs the program as nobody, anyone else denies itself.
        var socketPath = dir.Combine("engine.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        var asRoot = Environment.UserName == "root";
        File.SetUnixFileMode(socketPath, asRoot ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.None);
        if (asRoot) File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        // nobody must be able to read the program: the checkout it was built in may be private (a 0700 home or mktemp -d).
        using var program = asRoot ? CopyReadableByAll(AppContext.BaseDirectory) : null;
        var dll = program is null ? Dll : program.Combine("metagenerator.dll");
        string[] generate = [ExternalTool.Require("dotnet"), "exec", dll, "generate", "127.0.0.1:5000/g:v1", "--model-name", "grid-a", "--model-tag", "v1", "--config", dir.Combine("config.json")];
        var env = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + socketPath, ["HOME"] = dir.Path, ["DOTNET_CLI_HOME"] = dir.Path, ["EXTRA_FLAGS"] = null };

        var result = asRoot
            ? await ExternalTool.RunAsync(ExternalTool.Require("setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups", .. generate], dir.Path, env)
            : await ExternalTool.RunAsync(generate[0], generate[1..], dir.Path, env);

        Assert.True(result.ExitCode == 7, result.StdOut + result.StdErr);
        Assert.Contains($"error: permission denied on the Docker engine's socket {socketPath}: this user may not use the engine", result.StdErr);
        Assert.Contains("member of the socket's group", result.StdErr);
    }

    private static TempDirectory CopyReadableByAll(string from)
    {
        var copy = new TempDirectory("mg-gen-program");
        File.SetUnixFileMode(copy.Path, (UnixFileMode)0b111_101_101);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(from, file));
            var parent = Path.GetDirectoryName(target)!;
            if (!Directory.Exists(parent)) Directory.CreateDirectory(parent, (UnixFileMode)0b111_101_101);
            File.Copy(file, target);
            File.SetUnixFileMode(target, (UnixFileMode)0b110_100_100);
        }
        return copy;
    }

    [Fact]
    public async Task No_socket_is_no_engine()
    {
        using var dir = new TempDirectory("mg-gen-noengine");
        dir.WriteFile("config.json", "{\"auths\":{}}");

        var result = await CliRunner.RunAsync(dir.Path, new Dictionary<string, string?> { ["DOCKER_HOST"] = $"unix://{dir.Combine("none.sock")}" },
            "generate", "127.0.0.1:5000/g:v1", "--model-name", "grid-a", "--model-tag", "v1", "--config", dir.Combine("config.json"));

        Assert.Equal(7, result.ExitCode);
        Assert.Contains($"error: no Docker engine at unix://{dir.Combine("none.sock")}: there is no socket {dir.Combine("none.sock")}; start the engine, or set DOCKER_HOST", result.StdErr);
    }
}
