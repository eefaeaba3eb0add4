using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// <see cref="EngineSeed"/>: engines of their own (not the fixture's) and a seed in a temporary directory, with a
/// busybox stand-in of a few files.
/// </summary>
[Tier(Tier.Engine)]
public sealed class EngineSeedTests
{
    private const string Name = "mg-seed-test/busybox:1";
    private static readonly string[] Changes = ["ENV PATH=/bin"];

    [NeedsToolsFact("dockerd", "docker", "busybox")]
    public async Task A_seeded_engine_has_the_stand_in_without_importing_it_and_leaves_the_seed_unchanged()
    {
        using var dir = new TempDirectory("mg-seed-test");
        var tar = await BusyboxRootFilesystemAsync(dir);
        var seed = new EngineSeed(dir.Combine("seed"));
        var load = new StandInLoad(Name, tar, Changes, PulledFrom: null);

        await using (var first = await DockerEngine.StartAsync(seed))
        {
            if (first.StorageDriver != "overlay2") Assert.Fail($"the seed needs overlay2; this machine's engine runs {first.StorageDriver}");
            Assert.Empty(first.SeededImages);
            await first.ImportStandInAsync(tar, Name, Changes);
            Assert.DoesNotContain("the engine's seed has it", Assert.Single(first.UnpackLog));
            // What a run stopped midway left (no process 4194304: Linux's largest PID is one less), and what a
            // running process (PID 1) is making.
            var leftover = Directory.CreateDirectory(seed.Directory + ".partial-4194304").FullName;
            var inUse = Directory.CreateDirectory(seed.Directory + ".old-1").FullName;
            Assert.True(await seed.RefreshAsync(first));
            Assert.False(Directory.Exists(leftover), "a dead run's partial seed was kept");
            Assert.True(Directory.Exists(inUse), "a running process's seed was deleted");
        }

        await using (var second = await DockerEngine.StartAsync(seed))
        {
            Assert.Equal([load.Key], second.SeededImages);
            // dockerd writes some of its files in place (bolt databases): only the layers' files may be shared.
            var root = Path.Combine(seed.Directory, "root");
            var shared = await ExternalTool.RunAsync("find", [root, "-path", root + "/overlay2/*/diff", "-prune", "-o", "-type", "f", "-links", "+1", "-print"]);
            Assert.Equal("", shared.EnsureSuccess().StdOut);
            var layerFile = await ExternalTool.RunAsync("find", [root + "/overlay2", "-path", "*/diff/data/file.txt", "-links", "2"]);
            Assert.NotEqual("", layerFile.EnsureSuccess().StdOut);
            await second.ImportStandInAsync(tar, Name, Changes);
            Assert.Contains("the engine's seed has it", Assert.Single(second.UnpackLog));
            // The seed's files, written through and deleted in this engine only.
            var run = await second.DockerAsync(["run", "--rm", Name, "sh", "-c", "cat /data/file.txt && echo changed > /data/file.txt"]);
            Assert.Equal("from the seed", run.EnsureSuccess().StdOut.Trim());
            await second.DockerCheckedAsync("rmi", Name);
            // Other import changes are another image: imported, not taken from the seed.
            await second.ImportStandInAsync(tar, Name, [.. Changes, "ENV MG_OTHER=1"]);
            Assert.DoesNotContain("the engine's seed has it", second.UnpackLog.Last());
        }

        await using (var third = await DockerEngine.StartAsync(seed))
        {
            var run = await third.DockerAsync(["run", "--rm", Name, "cat", "/data/file.txt"]);
            Assert.Equal("from the seed", run.EnsureSuccess().StdOut.Trim());
            // Loaded nothing the seed lacks: no new seed.
            await third.ImportStandInAsync(tar, Name, Changes);
            Assert.False(await seed.RefreshAsync(third));
        }
    }

    /// <summary>/bin/busybox with sh and cat, and /data/file.txt.</summary>
    private static async Task<string> BusyboxRootFilesystemAsync(TempDirectory dir)
    {
        var root = dir.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.Copy(ExternalTool.Require("busybox"), Path.Combine(root, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "cat" })
            File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
        dir.WriteFile("rootfs/data/file.txt", "from the seed\n");
        var tar = dir.Combine("rootfs.tar");
        (await ExternalTool.RunAsync("tar", ["-C", root, "-cf", tar, "."])).EnsureSuccess();
        return tar;
    }
}
