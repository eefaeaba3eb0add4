using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>
/// A docker-archive written where the user points: through a symlink, into a FIFO (as for <c>docker load</c>), never
/// over a special file. skopeo reads what arrives; <c>stat</c> says what the path is afterwards.
/// </summary>
[Tier(Tier.Tools)]
public class OutputFileTests
{
    private static async Task<string> FileTypeAsync(string path) =>
        (await ExternalTool.RunAsync("stat", ["-c", "%F", path])).EnsureSuccess().StdOut.Trim();

    private static async Task AssertArchiveReadsAsync(string path) =>
        (await ExternalTool.RunAsync("skopeo", ["inspect", $"docker-archive:{path}"])).EnsureSuccess();

    [NeedsToolsFact("skopeo", "mkfifo")]
    public async Task A_symlink_is_written_through_the_link_stays_and_its_target_is_replaced()
    {
        using var dir = new TempDirectory();
        var image = await TestImages.SmallBaseAsync(dir.Combine("base"), MediaTypeFamily.Oci);
        var target = dir.WriteFile("real/image.tar", "old");
        File.CreateSymbolicLink(dir.Combine("link.tar"), "real/image.tar");
        File.CreateSymbolicLink(dir.Combine("dangling.tar"), "real/new.tar");

        await new DockerArchiveSink(dir.Combine("link.tar")).WriteImageAsync(image, ["example/x:1"]);
        await new DockerArchiveSink(dir.Combine("dangling.tar")).WriteImageAsync(image, ["example/x:1"]);

        Assert.Equal("symbolic link", await FileTypeAsync(dir.Combine("link.tar")));
        Assert.Equal("symbolic link", await FileTypeAsync(dir.Combine("dangling.tar")));
        await AssertArchiveReadsAsync(target);
        await AssertArchiveReadsAsync(dir.Combine("real", "new.tar"));
        Assert.Empty(Directory.GetFiles(dir.Combine("real"), "*.tmp"));
    }

    [NeedsToolsFact("skopeo", "mkfifo")]
    public async Task A_fifo_is_written_into_and_stays_a_fifo()
    {
        using var dir = new TempDirectory();
        var image = await TestImages.SmallBaseAsync(dir.Combine("base"), MediaTypeFamily.Oci);
        var fifo = dir.Combine("pipe");
        (await ExternalTool.RunAsync("mkfifo", [fifo])).EnsureSuccess();
        var reader = ExternalTool.RunAsync("sh", ["-c", "cat pipe > received.tar"], dir.Path, timeout: TimeSpan.FromMinutes(2));

        await new DockerArchiveSink(fifo).WriteImageAsync(image, ["example/x:1"]);

        (await reader).EnsureSuccess();
        Assert.Equal("fifo", await FileTypeAsync(fifo));
        await AssertArchiveReadsAsync(dir.Combine("received.tar"));
    }

    [NeedsToolsFact("skopeo", "mkfifo")]
    public async Task A_device_is_refused_and_never_replaced()
    {
        using var dir = new TempDirectory();
        var image = await TestImages.SmallBaseAsync(dir.Combine("base"), MediaTypeFamily.Oci);
        // As root, a private device node (the null device) stands in for /dev/full, so a regression replaces nothing that matters.
        var device = dir.Combine("null-device");
        if ((await ExternalTool.RunAsync("mknod", [device, "c", "1", "3"])).ExitCode != 0) device = "/dev/null";

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => new DockerArchiveSink(device).WriteImageAsync(image, ["example/x:1"]));
        Assert.Contains(device, error.Message);
        Assert.Contains("character device", error.Message);
        Assert.Equal("character special file", await FileTypeAsync(device));
        Assert.Throws<InvalidInputException>(() => OutputFile.Check(device));
    }
}
