using System.Diagnostics;
using System.Globalization;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>Ctrl-C during <c>generate</c>: the generator container is stopped and removed, and the exit code says SIGINT.</summary>
[Collection(EngineCollections.Generate)]
[Tier(Tier.Engine)]
public class GenerateInterruptTests(EngineFixture fixture)
{
    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task SIGINT_while_the_generator_runs_stops_and_removes_its_container()
    {
        // The model's build sleeps: the generator is still running when the signal comes, however fast buildah is.
        using var ws = await fixture.PushGeneratorWithCliAsync("gen-interrupted", "buildah", await fixture.BuildahBaseAsync(),
            ws => File.AppendAllText(ws.Combine("model-src", "Dockerfile_model"), "\nRUN sleep 600\n"));
        var before = await fixture.ContainersAsync(ws.GeneratorImage);
        var psi = SignalTarget.StartInfo(ExternalTool.Require("dotnet"));
        foreach (var arg in new[]
                 {
                     "exec", Path.Combine(AppContext.BaseDirectory, "metagenerator.dll"), "generate", ws.GeneratorImage, "--model-name", "grid-a",
                     "--model-tag", "v1", "--config", fixture.ConfigJson, "--network", "host", "--security-opt", "seccomp=unconfined", "--skip-tls-verify",
                 })
            psi.ArgumentList.Add(arg);
        psi.Environment["DOCKER_HOST"] = fixture.Engine.Host;
        psi.Environment.Remove("EXTRA_FLAGS");
        using var process = Process.Start(psi)!;
        var started = new TaskCompletionSource();
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("created; starting", StringComparison.Ordinal)) started.TrySetResult();
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();

        await started.Task.WaitAsync(TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(1)); // the generator is running now
        Assert.NotEqual(before, await fixture.ContainersAsync(ws.GeneratorImage));
        (await ExternalTool.RunAsync("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])).EnsureSuccess();
        // Bounded, so a hang fails the test; generous, because removing a vfs container under load takes a while.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        await stdout;

        string err;
        lock (stderr) err = stderr.ToString();
        Assert.True(process.ExitCode == 130, err);
        Assert.Contains("error: interrupted (SIGINT)", err);
        Assert.Contains("removed", err);
        Assert.Equal(before, await fixture.ContainersAsync(ws.GeneratorImage));
    }
}
