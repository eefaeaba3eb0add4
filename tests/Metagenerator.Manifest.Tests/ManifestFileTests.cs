using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Manifest.Tests;

/// <summary>
/// What <see cref="ManifestLoader.Load"/> does with a path that is not a plain manifest file (issue 8 item 5): it refuses
/// anything but a regular file without opening it, and stops reading past 1 MiB whatever size the file reports.
/// </summary>
[Tier(Tier.Tools)]
public class ManifestFileTests
{
    private static ManifestError LoadError(string path)
    {
        var e = Assert.Single(Assert.Throws<ManifestException>(() => ManifestLoader.Load(path)).Errors);
        Assert.Equal((path, 1, 1, "(file)"), (e.File, e.Line, e.Column, e.KeyPath));
        Assert.Equal(ErrorCategory.InvalidInput, new ManifestException([e]).Category);
        return e;
    }

    /// <summary>Before: read until the process ran out of memory (length 0 reported, no end).</summary>
    [NeedsToolsFact("mkfifo")]
    public void A_character_device_is_refused_without_reading_it()
    {
        var e = LoadError("/dev/zero");
        Assert.Equal("/dev/zero:1:1: error: (file): is a character device, not a regular file; a generator manifest must be a regular file", e.ToString());
    }

    [NeedsToolsFact("mkfifo")]
    public void A_symbolic_link_to_a_character_device_is_refused()
    {
        using var dir = new TempDirectory();
        var link = dir.Combine("GENERATOR-MANIFEST.yml");
        File.CreateSymbolicLink(link, "/dev/zero");
        Assert.Contains("is a character device, not a regular file", LoadError(link).Message, StringComparison.Ordinal);
    }

    [NeedsToolsFact("mkfifo")]
    public void A_symbolic_link_to_a_manifest_is_read()
    {
        using var dir = new TempDirectory();
        var target = dir.WriteFile("real.yml", ManifestTemplates.InitManifest);
        var link = dir.Combine("GENERATOR-MANIFEST.yml");
        File.CreateSymbolicLink(link, target);
        Assert.Equal("example-generator", ManifestLoader.Load(link).Name);
    }

    [NeedsToolsFact("mkfifo")]
    public void A_dangling_symbolic_link_is_refused()
    {
        using var dir = new TempDirectory();
        var link = dir.Combine("GENERATOR-MANIFEST.yml");
        File.CreateSymbolicLink(link, dir.Combine("gone.yml"));
        Assert.Contains("symbolic link to nothing", LoadError(link).Message, StringComparison.Ordinal);
    }

    /// <summary>Before: opening the FIFO blocked forever. The timeout only guards the test run against that hang.</summary>
    [NeedsToolsFact("mkfifo")]
    public async Task A_fifo_is_refused_without_blocking()
    {
        using var dir = new TempDirectory();
        var fifo = dir.Combine("GENERATOR-MANIFEST.yml");
        (await ExternalTool.RunAsync("mkfifo", [fifo])).EnsureSuccess();
        var load = Task.Run(() => LoadError(fifo));
        try
        {
            var e = await load.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Contains("is a named pipe (FIFO), not a regular file", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            // Should the loader have opened the FIFO after all, a writer lets it finish instead of leaking a blocked thread.
            if (!load.IsCompleted) await File.WriteAllTextAsync(fifo, "");
        }
    }

    /// <summary>/proc/kallsyms is a regular file that reports size 0 and holds megabytes: only a cap while reading catches it.</summary>
    [NeedsToolsFact("mkfifo")]
    public void The_size_cap_applies_while_reading_not_to_the_reported_length()
    {
        const string path = "/proc/kallsyms";
        Assert.True(File.Exists(path) && new FileInfo(path).Length == 0, "this test needs a file that reports length 0 but holds more than 1 MiB");
        Assert.Contains("holds more than 1048576 bytes", LoadError(path).Message, StringComparison.Ordinal);
    }

    [NeedsToolsFact("mkfifo")]
    public void A_regular_file_past_the_cap_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("GENERATOR-MANIFEST.yml", new string('#', 1024 * 1024 + 1));
        Assert.Contains("holds more than 1048576 bytes; a generator manifest may be at most 1048576 bytes", LoadError(path).Message, StringComparison.Ordinal);
        File.WriteAllText(path, "# a comment\n" + new string('#', 1024 * 1024 - 13) + "\n");
        var atTheCap = Assert.Single(Assert.Throws<ManifestException>(() => ManifestLoader.Load(path)).Errors);
        Assert.Contains("the manifest is empty", atTheCap.Message, StringComparison.Ordinal);
    }
}
