using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// `metagenerator build` as a process, as a careless user or a hostile environment would run it (issue 8): the
/// credentials file sitting in the model source, signals during a stalled push, a corrupt base in an OCI layout,
/// outputs that are links, FIFOs, devices or standard output. Judged with skopeo, umoci, GNU tar and stat.
/// </summary>
[Tier(Tier.Registry)]
public sealed class HardeningTests : IClassFixture<PlainAndProtectedRegistries>, IAsyncDisposable
{
    private const string Password = PlainAndProtectedRegistries.Password;
    private readonly LocalRegistry _plain;
    private readonly LocalRegistry _protected;
    private readonly TestCertificates _certs;
    // Faults injected by one test must not reach another: each test gets its own proxy (cheap, in-process).
    private readonly FaultProxy _proxy;

    public HardeningTests(PlainAndProtectedRegistries registries)
    {
        (_plain, _protected, _certs) = (registries.Plain, registries.Protected, registries.Certs);
        _proxy = FaultProxy.Start(_plain.Port);
    }

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    private static string ManifestText(string registry) => $"""
        demo-gen:
          version: v1
          config:
            GENERATOR_REGISTRY: {registry}
            MODEL_REGISTRY: {registry}
            MODEL_DOCKERFILE: Dockerfile
        """;

    private static TempDirectory Workspace(string registry)
    {
        var dir = new TempDirectory("mg-hardening");
        dir.WriteFile("GENERATOR-MANIFEST.yml", ManifestText(registry));
        dir.WriteFile("model-src/Dockerfile", "FROM scratch\n");
        dir.WriteFile("model-src/model.py", "print(1)\n");
        return dir;
    }

    private static async Task<string> FileTypeAsync(string path) =>
        (await ExternalTool.RunAsync("stat", ["-c", "%F", path])).EnsureSuccess().StdOut.Trim();

    [NeedsToolsFact("skopeo", "umoci", "mkfifo", "dotnet", "docker-registry", "openssl", "htpasswd")]
    public async Task The_credentials_file_in_a_flat_workspace_is_left_out_of_the_image_with_a_warning()
    {
        using var ws = new TempDirectory("mg-flat");
        ws.WriteFile("GENERATOR-MANIFEST.yml", ManifestText(_protected.Host));
        ws.WriteFile("Dockerfile", "FROM scratch\nCOPY model.py /\n");
        ws.WriteFile("model.py", "print(1)\n");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{Password}"));
        ws.WriteFile("config.json", "{\"auths\": {\"" + _protected.Host + "\": {\"auth\": \"" + auth + "\"}}}");

        var result = await CliRunner.RunAsync(ws.Path, "build", "GENERATOR-MANIFEST.yml", ".", "--generator-base", $"{_protected.Host}/base:1",
            "--registry-certificate", $"{_protected.Host}={_certs.CaCertificatePath}");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains($"warning: {ws.Combine("config.json")} (the credentials file in use) is in the model source as 'config.json'; it is left out of the image", result.StdErr);
        Assert.DoesNotContain(Password, result.StdOut + result.StdErr);

        var layout = ws.Combine("pulled");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", $"--src-cert-dir={_certs.SkopeoCertDirectory}", $"--src-creds=alice:{Password}",
            $"docker://{_protected.Host}/demo-gen:v1", $"oci:{layout}:v1"])).EnsureSuccess();
        var bundle = ws.Combine("bundle");
        (await ExternalTool.RunAsync("umoci", ["unpack", "--rootless", "--image", $"{layout}:v1", bundle])).EnsureSuccess();
        var modelSource = Path.Combine(bundle, "rootfs", "workspace", "model-src");
        Assert.True(File.Exists(Path.Combine(modelSource, "Dockerfile")));
        Assert.True(File.Exists(Path.Combine(modelSource, "model.py")));
        Assert.True(File.Exists(Path.Combine(modelSource, "GENERATOR-MANIFEST.yml")), "the rest of the flat folder is packed");
        Assert.False(File.Exists(Path.Combine(modelSource, "config.json")), "the credentials file must not be in the image");

        // Neither the password nor the auth value is anywhere in the image: every blob, layers decompressed.
        foreach (var blob in Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")))
        {
            var bytes = File.ReadAllBytes(blob);
            if (bytes is [0x1f, 0x8b, ..])
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                bytes = plain.ToArray();
            }
            var text = Encoding.Latin1.GetString(bytes);
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain(auth, text);
        }
    }

    [NeedsToolsTheory("skopeo", "umoci", "mkfifo", "dotnet", "docker-registry", "openssl", "htpasswd")]
    [InlineData(2, 130, "interrupted (SIGINT)")]
    [InlineData(15, 143, "terminated (SIGTERM)")]
    public async Task A_signal_during_a_stalled_push_exits_with_its_code_a_one_line_message_and_no_scratch_files(int signal, int expectedCode, string expectedMessage)
    {
        using var ws = Workspace(_proxy.Host);
        using var tmp = new TempDirectory("mg-scratch");
        _proxy.Reset();
        _proxy.Inject(r => r.IsBlobUpload, new Fault.Delay(TimeSpan.FromMinutes(10)), times: 1000);
        Process? started = null;
        try
        {
            var psi = SignalTarget.StartInfo(ExternalTool.Require("dotnet"));
            psi.WorkingDirectory = ws.Path;
            foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "metagenerator.dll"), "build", "--generator-base", $"{_plain.Host}/base:1",
                "--insecure-registry", _plain.Host, "--insecure-registry", _proxy.Host }) psi.ArgumentList.Add(a);
            psi.Environment["TMPDIR"] = tmp.Path;
            psi.Environment["HOME"] = ws.Path;
            psi.Environment.Remove("DOCKER_CONFIG");
            psi.Environment.Remove("EXTRA_FLAGS");
            var process = started = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();

            // Wait (bounded, so a regression cannot hang the suite) until the push is stuck in a blob upload.
            using (var waiting = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
            {
                while (!_proxy.Requests.Any(r => r.IsBlobUpload) && !process.HasExited)
                    await Task.Delay(100, waiting.Token);
            }
            if (process.HasExited) Assert.Fail($"the build ended before its upload stalled: {await stderr}");
            Assert.NotEmpty(Directory.GetDirectories(tmp.Path, "metagenerator-*")); // the scratch directory exists while it is stuck

            Assert.Equal(0, Kill(process.Id, signal));
            using (var exiting = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
                await process.WaitForExitAsync(exiting.Token);

            var err = await stderr;
            // Seen once in a loaded full run: exit 3 instead of the signal's code; say what the build printed.
            Assert.True(process.ExitCode == expectedCode, $"exit code {process.ExitCode}, expected {expectedCode}; stderr:\n{err}");
            var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith($"error: {expectedMessage}", lines[^1]);
            Assert.DoesNotContain("   at ", err);
            Assert.DoesNotContain("bug", err);
            Assert.Empty(Directory.GetFileSystemEntries(tmp.Path, "metagenerator-*"));
            Assert.Empty(await stdout);
        }
        finally
        {
            // A failed assertion must not leave the build running against the stalled proxy.
            if (started is { HasExited: false }) started.Kill(entireProcessTree: true);
            started?.Dispose();
            _proxy.Reset();
        }
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    [NeedsToolsTheory("skopeo", "umoci", "mkfifo", "dotnet", "docker-registry", "openssl", "htpasswd")]
    [InlineData("--tar-path")]
    [InlineData("--oci-layout")]
    public async Task A_corrupt_layer_in_an_oci_layout_base_is_a_registry_data_error_naming_the_base_and_the_blob(string output)
    {
        using var ws = Workspace(_plain.Host);
        var layout = ws.Combine("base-layout");
        (await ExternalTool.RunAsync("cp", ["-r", await TestImages.BaseLayoutAsync(), layout])).EnsureSuccess();
        var manifest = System.Text.Json.Nodes.JsonNode.Parse((await ExternalTool.RunAsync("skopeo", ["inspect", "--raw", $"oci:{layout}:{TestImages.BaseTag}"])).EnsureSuccess().StdOut)!;
        var layerDigest = manifest["layers"]![0]!["digest"]!.GetValue<string>();
        var blob = Path.Combine(layout, "blobs", "sha256", layerDigest["sha256:".Length..]);
        var bytes = File.ReadAllBytes(blob);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(blob, bytes);

        var result = await CliRunner.RunAsync(ws.Path, "build", "--no-push", "--generator-base", $"oci:{layout}:{TestImages.BaseTag}", output, "out");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"oci:{layout}:{TestImages.BaseTag}", result.StdErr);
        Assert.Contains(layerDigest, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain(ws.Combine("out"), result.StdErr);
    }

    [NeedsToolsFact("skopeo", "umoci", "mkfifo", "dotnet", "docker-registry", "openssl", "htpasswd")]
    public async Task Tar_path_writes_through_a_symlink_and_into_a_fifo_and_refuses_a_device_before_any_work()
    {
        using var ws = Workspace(_plain.Host);
        string[] build = ["build", "--no-push", "--generator-base", $"{_plain.Host}/base:1", "--insecure-registry", _plain.Host];

        // A symlink to a regular file: the link stays, the file it names gets the archive.
        ws.WriteFile("real/image.tar", "old");
        File.CreateSymbolicLink(ws.Combine("link.tar"), "real/image.tar");
        var viaLink = await CliRunner.RunAsync(ws.Path, [.. build, "--tar-path", "link.tar"]);
        Assert.True(viaLink.ExitCode == 0, viaLink.StdErr);
        Assert.Equal("symbolic link", await FileTypeAsync(ws.Combine("link.tar")));
        (await ExternalTool.RunAsync("skopeo", ["inspect", $"docker-archive:{ws.Combine("real", "image.tar")}"])).EnsureSuccess();

        // A FIFO (as for `docker load`): written into, still a FIFO afterwards; GNU tar reads what came through.
        (await ExternalTool.RunAsync("mkfifo", [ws.Combine("pipe")])).EnsureSuccess();
        var reader = ExternalTool.RunAsync("sh", ["-c", "tar -tf pipe"], ws.Path, timeout: TimeSpan.FromMinutes(3));
        var viaFifo = await CliRunner.RunAsync(ws.Path, [.. build, "--tar-path", "pipe"]);
        Assert.True(viaFifo.ExitCode == 0, viaFifo.StdErr);
        var listing = (await reader).EnsureSuccess().StdOut;
        Assert.Contains("manifest.json", listing);
        Assert.Contains("index.json", listing);
        Assert.Equal("fifo", await FileTypeAsync(ws.Combine("pipe")));

        // A device: refused before any registry work, and left as it is (a private node when root may make one).
        var device = ws.Combine("device");
        if ((await ExternalTool.RunAsync("mknod", [device, "c", "1", "3"])).ExitCode != 0) device = "/dev/null";
        foreach (var flag in new[] { "--tar-path", "--digest-file" })
        {
            var refused = await CliRunner.RunAsync(ws.Path, [.. build, flag, device]);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains(flag, refused.StdErr);
            Assert.Contains("character device", refused.StdErr);
            Assert.DoesNotContain("base image:", refused.StdErr);
            Assert.Equal("character special file", await FileTypeAsync(device));
        }
    }

    [NeedsToolsFact("skopeo", "umoci", "mkfifo", "dotnet", "docker-registry", "openssl", "htpasswd")]
    public async Task Tar_path_dev_stdout_gets_only_the_tar_and_the_digest_goes_to_stderr()
    {
        using var ws = Workspace(_plain.Host);
        var result = await CliRunner.RunAsync(ws.Path, "build", "--no-push", "--generator-base", $"{_plain.Host}/base:1", "--insecure-registry", _plain.Host,
            "--tar-path", "/dev/stdout");
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.StartsWith("oci-layout", result.StdOut); // the first tar header's name
        Assert.EndsWith(new string('\0', 1024), result.StdOut); // the tar's end-of-archive blocks come last: no result line after them
        Assert.Matches("(?m)^sha256:[0-9a-f]{64}$", result.StdErr);
    }
}
