using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// Issue 20 point 7: a signal while <c>--tar-path</c> waits on a FIFO nobody reads. Cancellation cannot reach the blocked
/// open, so the process exits after the grace period; it must still remove its scratch files before saying it did.
/// </summary>
[Tier(Tier.Tools)]
public sealed class ForcedExitScratchTests
{
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    [NeedsToolsFact("umoci", "mkfifo", "dotnet")]
    public async Task A_signal_while_the_tar_waits_on_a_fifo_removes_the_scratch_files_before_the_forced_exit()
    {
        using var ws = new TempDirectory("mg-forced-exit");
        using var tmp = new TempDirectory("mg-scratch");
        ws.WriteFile("GENERATOR-MANIFEST.yml", """
            demo-gen:
              version: v1
              config:
                GENERATOR_REGISTRY: registry.invalid
                MODEL_REGISTRY: registry.invalid
                MODEL_DOCKERFILE: Dockerfile
            """);
        ws.WriteFile("model-src/Dockerfile", "FROM scratch\n");
        ws.WriteFile("model-src/model.py", "print(1)\n");
        (await ExternalTool.RunAsync("umoci", ["init", "--layout", ws.Combine("base")])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["new", "--image", ws.Combine("base") + ":1"])).EnsureSuccess();
        (await ExternalTool.RunAsync("mkfifo", [ws.Combine("out.tar")])).EnsureSuccess();

        var psi = new ProcessStartInfo(ExternalTool.Require("dotnet"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = ws.Path,
        };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "metagenerator.dll"), "build", "GENERATOR-MANIFEST.yml", "model-src",
            "--generator-base", $"oci:{ws.Combine("base")}:1", "--no-push", "--tar-path", "out.tar" }) psi.ArgumentList.Add(a);
        psi.Environment["TMPDIR"] = tmp.Path;
        psi.Environment["HOME"] = ws.Path;
        psi.Environment.Remove("DOCKER_CONFIG");
        psi.Environment.Remove("EXTRA_FLAGS");
        using var process = Process.Start(psi)!;
        var lines = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            // Bounded wait until the image is assembled (its digest printed) and the tar waits for a reader of the FIFO.
            using (var waiting = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
                while (!lines.Any(l => l.Contains("generator image demo-gen:v1: sha256:")) && !process.HasExited)
                    await Task.Delay(100, waiting.Token);
            if (process.HasExited) Assert.Fail($"the build ended before it blocked on the FIFO:\n{string.Join('\n', lines)}");
            await Task.Delay(500);
            Assert.NotEmpty(Directory.GetFiles(tmp.Path, "*.tar.gz", SearchOption.AllDirectories)); // the layer is in scratch while it waits

            Assert.Equal(0, Kill(process.Id, 15));
            using (var exiting = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
                await process.WaitForExitAsync(exiting.Token);

            Assert.Equal(143, process.ExitCode);
            Assert.StartsWith("error: terminated (SIGTERM); stopped, scratch files removed", lines.Last());
            Assert.Empty(Directory.GetFileSystemEntries(tmp.Path));
            Assert.Empty(await stdout);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
