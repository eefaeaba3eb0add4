using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>
/// <see cref="SmallInputFile.TryReadAtMost"/> on its own, without <see cref="SmallInputFile.Problem"/> first: what a path
/// swapped after that check would give. The kind is judged on the opened file, and opening never blocks.
/// </summary>
[Tier(Tier.Tools)]
public class SmallInputFileTests
{
    [NeedsToolsFact("mkfifo")]
    public async Task A_fifo_without_a_writer_is_refused_at_once_not_waited_on()
    {
        using var dir = new TempDirectory();
        var fifo = dir.Combine("config.json");
        (await ExternalTool.RunAsync("mkfifo", [fifo])).EnsureSuccess();
        var read = Task.Run(() => SmallInputFile.TryReadAtMost(fifo, 1024, out _));
        try
        {
            var error = await Assert.ThrowsAsync<IOException>(() => read.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal($"{fifo} is a named pipe (FIFO), not a regular file", error.Message);
        }
        finally
        {
            // Had the open blocked, a writer releases it so the test run does not hang.
            if (!read.IsCompleted) await using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { }
        }
    }

    [Theory]
    [InlineData("/dev/zero", "character device")]
    [InlineData("/dev/null", "character device")]
    public void A_device_is_refused_not_read(string device, string kind)
    {
        using var dir = new TempDirectory();
        var link = dir.Combine("GENERATOR-MANIFEST.yml");
        File.CreateSymbolicLink(link, device);
        var error = Assert.Throws<IOException>(() => SmallInputFile.TryReadAtMost(link, 1024, out _));
        Assert.Equal($"{link} is a {kind}, not a regular file", error.Message);
    }

    [Fact]
    public void A_directory_is_refused()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<IOException>(() => SmallInputFile.TryReadAtMost(dir.Path, 1024, out _));
        Assert.Equal($"{dir.Path} is a directory, not a regular file", error.Message);
    }

    [Fact]
    public void A_regular_file_through_a_symlink_is_read_up_to_the_cap()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("real.json");
        File.WriteAllText(file, "{\"auths\": {}}");
        var link = dir.Combine("config.json");
        File.CreateSymbolicLink(link, file);

        Assert.True(SmallInputFile.TryReadAtMost(link, 13, out var bytes));
        Assert.Equal("{\"auths\": {}}"u8.ToArray(), bytes);
        Assert.False(SmallInputFile.TryReadAtMost(link, 12, out _));
    }

    [Fact]
    public void A_missing_file_is_still_FileNotFoundException()
    {
        using var dir = new TempDirectory();
        var missing = dir.Combine("absent");
        var error = Assert.Throws<FileNotFoundException>(() => SmallInputFile.TryReadAtMost(missing, 10, out _));
        Assert.Equal(missing, error.FileName);
    }
}
