using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// Issue 20 point 10: a model-source file swapped between listing and reading. Deterministic: the source is listed
/// (as a build plans its layers), then the file is swapped, then the layer is built from that listing. Each swap is a
/// clear error naming the file; nothing is read from what took its place.
/// </summary>
[Tier(Tier.Tools)]
public sealed class ModelSourceSwapTests
{
    private const string Content = "weights: 0123456789\n";

    /// <summary>Lists <c>src</c> (with <c>src/data/model.bin</c>) the way a build plans its layers; the spec builds from that listing.</summary>
    private static LayerSpec Listed(TempDirectory dir)
    {
        var parts = LayerPartitioner.SplitBySize([new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: false)], largeFileThreshold: 1L << 30);
        return new LayerSpec { Sources = [.. parts.Select(p => p.Source)] };
    }

    private static TempDirectory Source()
    {
        var dir = new TempDirectory();
        dir.WriteFile("src/Dockerfile", "FROM scratch\n");
        dir.WriteFile("src/data/model.bin", Content);
        return dir;
    }

    [NeedsToolsFact("mkfifo")]
    public async Task A_file_swapped_for_a_fifo_is_an_error_naming_it_not_a_hang()
    {
        using var dir = Source();
        var spec = Listed(dir);
        var file = dir.Combine("src", "data", "model.bin");
        File.Delete(file);
        (await ExternalTool.RunAsync("mkfifo", [file])).EnsureSuccess();

        var build = LayerBuilder.BuildAsync(spec, dir.Combine("out"));
        var finished = await Task.WhenAny(build, Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != build)
        {
            await using (File.OpenWrite(file)) { } // lets the blocked reader go, so the test run ends
            Assert.Fail("the build blocked on the FIFO");
        }
        var error = await Assert.ThrowsAsync<LayerBuildException>(() => build);
        Assert.Equal(file, error.Path);
        Assert.Contains("changed while the layer was being built", error.Message);
        Assert.Contains("named pipe", error.Message);
        Assert.Equal(ErrorCategory.InvalidInput, error.Category);
    }

    [Fact]
    public async Task A_file_swapped_for_a_symlink_to_an_outside_file_of_the_same_size_is_an_error_naming_it()
    {
        using var dir = Source();
        var outside = dir.WriteFile("outside/secret.txt", "SECRET: abcdefghijk\n");
        Assert.Equal(Content.Length, new FileInfo(outside).Length);
        var spec = Listed(dir);
        var file = dir.Combine("src", "data", "model.bin");
        File.Delete(file);
        File.CreateSymbolicLink(file, outside);

        var error = await Assert.ThrowsAsync<LayerBuildException>(() => LayerBuilder.BuildAsync(spec, dir.Combine("out")));

        Assert.Equal(file, error.Path);
        Assert.Contains("is now a symlink", error.Message);
        Assert.Equal(ErrorCategory.InvalidInput, error.Category);
    }

    [Fact]
    public async Task A_directory_on_the_path_swapped_for_a_symlink_to_outside_is_an_error_naming_the_file()
    {
        using var dir = Source();
        dir.WriteFile("outside/model.bin", "SECRET: abcdefghijk\n");
        var spec = Listed(dir);
        Directory.Delete(dir.Combine("src", "data"), recursive: true);
        Directory.CreateSymbolicLink(dir.Combine("src", "data"), dir.Combine("outside"));

        var error = await Assert.ThrowsAsync<LayerBuildException>(() => LayerBuilder.ComputeDiffIdAsync(spec));

        Assert.Equal(dir.Combine("src", "data", "model.bin"), error.Path);
        Assert.Contains("another file", error.Message);
    }

    [Fact]
    public async Task An_unchanged_listing_builds()
    {
        using var dir = Source();
        var spec = Listed(dir);

        var layer = await LayerBuilder.BuildAsync(spec, dir.Combine("out"));

        var entry = Assert.Single(LayerReading.ReadEntries(layer), e => e.Name == "ctx/data/model.bin");
        Assert.Equal(Content, System.Text.Encoding.UTF8.GetString(entry.Content));
    }
}
