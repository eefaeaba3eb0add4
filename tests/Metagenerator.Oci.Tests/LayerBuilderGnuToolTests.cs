using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>The layer builder's output read by GNU tar and gzip, and special files made with mkfifo.</summary>
[Tier(Tier.Tools)]
public class LayerBuilderGnuToolTests
{
    private static readonly DateTimeOffset Epoch = LayerBuilderTests.Epoch;

    [NeedsToolsFact("tar")]
    public async Task Uncompressed_tar_is_byte_identical_to_gnu_tar_of_the_same_normalised_tree()
    {
        using var dir = new TempDirectory();
        var root = dir.Combine("tree");
        dir.WriteFile("tree/workspace/model-src/b.txt", "b");
        dir.WriteFile("tree/workspace/model-src/a/x.py", new string('x', 1000));
        dir.WriteFile("tree/workspace/model-src/run.sh", "#!/bin/sh\n");
        File.CreateSymbolicLink(dir.Combine("tree", "workspace", "model-src", "l"), "a/x.py");
        foreach (var d in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(d, (UnixFileMode)0x1ED);
        foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            if (new FileInfo(f).LinkTarget is null) File.SetUnixFileMode(f, f.EndsWith(".sh", StringComparison.Ordinal) ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4);

        var layer = await LayerBuilder.BuildAsync(new LayerSpec
        {
            Sources = [new DirectorySource(dir.Combine("tree", "workspace", "model-src"), "workspace/model-src", false)],
            ModificationTime = Epoch,
        }, dir.Combine("out"));

        var tarFile = dir.Combine("gnu.tar");
        (await ExternalTool.RunAsync("tar",
            ["--format=ustar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", $"--mtime=@{Epoch.ToUnixTimeSeconds()}", "-b", "1", "-cf", tarFile, "workspace"],
            workingDirectory: root)).EnsureSuccess();
        Assert.Equal(Digest.Sha256(File.ReadAllBytes(tarFile)), layer.DiffId);
    }

    [NeedsToolsFact("gzip", "sha256sum", "sh")]
    public async Task Gnu_gzip_accepts_a_layer_of_many_chunks_and_restores_its_diff_id()
    {
        using var dir = new TempDirectory();
        var weights = new byte[3 * ParallelGzipStream.ChunkSize + 777];
        new Random(7).NextBytes(weights);
        Directory.CreateDirectory(dir.Combine("src"));
        File.WriteAllBytes(dir.Combine("src", "weights.bin"), weights);
        dir.WriteFile("src/config.json", string.Concat(Enumerable.Repeat("{\"layer\": 1}\n", 100_000)));
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", false)] }, dir.Combine("out"));

        await ExternalTool.RunCheckedAsync("gzip", "-t", layer.FilePath);
        var sum = await ExternalTool.RunCheckedAsync("sh", "-c", "gzip -dc \"$1\" | sha256sum", "sh", layer.FilePath);
        Assert.Equal(layer.DiffId.Hex, sum.StdOut.Split(' ')[0]);
    }

    [NeedsToolsFact("tar")]
    public async Task Gnu_tar_reads_split_ustar_names_and_pax_names_and_link_targets()
    {
        using var dir = new TempDirectory();
        var splittable = string.Join('/', Enumerable.Repeat("twenty-chars-long-xx", 6)) + "/file.txt";   // 134 bytes: ustar prefix + name
        var tooLong = string.Join('/', Enumerable.Repeat("twenty-chars-long-xx", 14)) + "/file.txt";     // 302 bytes: PAX path
        var longTarget = string.Join('/', Enumerable.Repeat("..", 1)) + "/" + new string('t', 150);       // PAX linkpath
        dir.WriteFile("src/" + splittable, "a");
        dir.WriteFile("src/" + tooLong, "b");
        Directory.CreateDirectory(dir.Combine("src", "links"));
        File.CreateSymbolicLink(dir.Combine("src", "links", "long"), longTarget);
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "", false)] }, dir.Combine("out"));
        var listing = (await ExternalTool.RunAsync("tar", ["-tvzf", layer.FilePath])).EnsureSuccess().StdOut;
        Assert.Contains(" " + splittable + "\n", listing);
        Assert.Contains(" " + tooLong + "\n", listing);
        Assert.Contains("links/long -> " + longTarget + "\n", listing);
        Assert.DoesNotContain("PaxHeaders", listing);
    }

    [NeedsToolsFact("mkfifo")]
    public async Task Fifo_is_an_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/ok.txt", "ok");
        var fifo = dir.Combine("src", "pipe");
        (await ExternalTool.RunAsync("mkfifo", [fifo])).EnsureSuccess();
        var error = await Assert.ThrowsAsync<LayerBuildException>(() =>
            LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", false)] }, dir.Combine("out")));
        Assert.Equal(fifo, error.Path);
        Assert.Contains("named pipe", error.Message);
    }

    [NeedsToolsFact("mkfifo")]
    public async Task Ignored_special_files_are_not_an_error()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/.dockerignore", "pipe\n");
        (await ExternalTool.RunAsync("mkfifo", [dir.Combine("src", "pipe")])).EnsureSuccess();
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", true)] }, dir.Combine("out"));
        Assert.DoesNotContain(LayerReading.ReadEntries(layer), e => e.Name == "m/pipe");
    }
}
