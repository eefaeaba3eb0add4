
namespace Metagenerator.TestSupport;

/// <summary>A private buildah store (vfs, chroot isolation) in a temp directory, for running real buildah in tests:
/// builds the busybox base image models start FROM, and runs generator scripts under busybox sh with this store.</summary>
public sealed class BuildahStore : IDisposable
{
    private readonly TempDirectory _dir = new("mg-buildah");

    public BuildahStore()
    {
        var conf = _dir.WriteFile("storage.conf", $"""
            [storage]
            driver = "vfs"
            graphroot = "{_dir.Combine("storage")}"
            runroot = "{_dir.Combine("run")}"
            """);
        Environment = new Dictionary<string, string?>
        {
            ["CONTAINERS_STORAGE_CONF"] = conf,
            ["BUILDAH_ISOLATION"] = "chroot",
            ["HOME"] = _dir.Path,
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        };
    }

    /// <summary>A scratch directory for the test's own files.</summary>
    public TempDirectory Work => _dir;

    /// <summary>The environment that points buildah (and the generator script's buildah) at this store.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>Builds a tiny base image (static busybox as /bin/sh plus a few applets) and pushes it to <paramref name="reference"/> over plain HTTP.</summary>
    public async Task PushBusyboxBaseAsync(string reference)
    {
        var rootfs = _dir.Combine("base-rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.Copy(ExternalTool.Require("busybox"), Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "mkdir", "cat", "ls", "printf" })
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        var tar = _dir.Combine("base.tar");
        (await ExternalTool.RunAsync("tar", ["-C", rootfs, "-cf", tar, "."])).EnsureSuccess();

        var container = await BuildahAsync("from", "scratch");
        await BuildahAsync("add", container, tar, "/");
        await BuildahAsync("config", "--cmd", "/bin/sh", "--env", "PATH=/bin", container);
        await BuildahAsync("commit", container, "mg-test-base");
        await BuildahAsync("rm", container);
        await BuildahAsync("push", "--tls-verify=false", "mg-test-base", "docker://" + reference);
    }

    /// <summary>Runs a rendered generator script with /usr/bin/busybox sh, this store's environment plus <paramref name="environment"/>.</summary>
    public Task<ToolResult> RunGeneratorAsync(string scriptPath, IReadOnlyDictionary<string, string?> environment)
    {
        var env = new Dictionary<string, string?>(Environment);
        foreach (var (k, v) in environment) env[k] = v;
        return ExternalTool.RunAsync(ExternalTool.Require("busybox"), ["sh", scriptPath], _dir.Path, env, timeout: TimeSpan.FromMinutes(5));
    }

    private async Task<string> BuildahAsync(params string[] args) =>
        (await ExternalTool.RunAsync("buildah", ["--storage-driver", "vfs", .. args], _dir.Path, Environment)).EnsureSuccess().StdOut.Trim();

    public void Dispose() => _dir.Dispose();
}
