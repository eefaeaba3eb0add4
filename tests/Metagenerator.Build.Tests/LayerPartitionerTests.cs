using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

[Tier(Tier.Unit)]
public class LayerPartitionerTests
{
    private const long Threshold = 1000;

    private static IReadOnlyList<LayerPart> Split(string root, long threshold = Threshold) =>
        LayerPartitioner.SplitBySize([new DirectorySource(root, "workspace/model-src", UseDockerignore: true)], threshold);

    private static void Write(TempDirectory dir, string path, int size) =>
        dir.WriteFile(path, new string('x', size));

    [Fact]
    public void Files_from_the_threshold_up_are_large_and_everything_else_is_the_last_part()
    {
        using var dir = new TempDirectory();
        Write(dir, "at.bin", (int)Threshold);
        Write(dir, "below.py", (int)Threshold - 1);
        File.CreateSymbolicLink(dir.Combine("link.bin"), "at.bin");
        Directory.CreateDirectory(dir.Combine("empty"));

        var parts = Split(dir.Path);

        Assert.Equal(2, parts.Count);
        Assert.Equal(LayerPartKind.LargeFiles, parts[0].Kind);
        Assert.Equal(["workspace/model-src/at.bin"], parts[0].Files);
        Assert.Equal(Threshold, parts[0].FileBytes);
        Assert.Equal(LayerPartitioner.GroupOf("workspace/model-src/at.bin") + 1, parts[0].Group);
        Assert.Equal(LayerPartKind.Rest, parts[1].Kind);
        Assert.Equal(["workspace/model-src/below.py", "workspace/model-src/link.bin"], parts[1].Files);
    }

    [Fact]
    public void A_source_without_large_files_is_one_part_and_an_empty_one_still_has_its_directory()
    {
        using var dir = new TempDirectory();
        Assert.Equal(LayerPartKind.Rest, Assert.Single(Split(dir.Path)).Kind);
        Write(dir, "a.py", 10);
        Assert.Equal(["workspace/model-src/a.py"], Assert.Single(Split(dir.Path)).Files);
    }

    /// <summary>The group of a path is part of the image format: changing the hash would move every large file of every user once.</summary>
    [Theory]
    // Values from an independent implementation: python3 -c "import hashlib; print(int.from_bytes(hashlib.sha256(PATH.encode()).digest()[:8], 'big') % 8)"
    [InlineData("workspace/model-src/weights/model.bin", 7)]
    [InlineData("/workspace/model-src/weights/model.bin", 7)]
    [InlineData("workspace/model-src/data/grid-1.bin", 1)]
    [InlineData("workspace/model-src/data/grid-2.bin", 3)]
    public void Group_of_a_path_is_fixed(string path, int group)
    {
        Assert.Equal(group, LayerPartitioner.GroupOf(path));
    }

    [Fact]
    public async Task Adding_or_changing_a_large_file_changes_only_its_groups_part()
    {
        using var dir = new TempDirectory();
        var paths = Enumerable.Range(0, 200).Select(n => $"data/f{n}.bin")
            .DistinctBy(p => LayerPartitioner.GroupOf("workspace/model-src/" + p)).Take(4).ToList();
        foreach (var p in paths.Take(3)) Write(dir, p, 2000);
        Write(dir, "code.py", 50);
        var before = await DiffIdsAsync(Split(dir.Path));

        Write(dir, paths[3], 2000);
        var added = await DiffIdsAsync(Split(dir.Path));
        Assert.Equal(before.Count + 1, added.Count);
        Assert.Equal(before, added.Where(p => p.Key != "workspace/model-src/" + paths[3]).ToDictionary());

        Write(dir, paths[0], 2001);
        var changed = await DiffIdsAsync(Split(dir.Path));
        Assert.NotEqual(added["workspace/model-src/" + paths[0]], changed["workspace/model-src/" + paths[0]]);
        Assert.Equal(added.Where(p => p.Key != "workspace/model-src/" + paths[0]).ToDictionary(), changed.Where(p => p.Key != "workspace/model-src/" + paths[0]).ToDictionary());
    }

    [Fact]
    public void Threshold_must_be_positive()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() => Split(dir.Path, 0));
    }

    /// <summary>Each part's diffID, keyed by its first file (or "rest").</summary>
    private static async Task<Dictionary<string, Digest>> DiffIdsAsync(IReadOnlyList<LayerPart> parts)
    {
        var result = new Dictionary<string, Digest>();
        foreach (var part in parts)
        {
            var (diffId, _) = await LayerBuilder.ComputeDiffIdAsync(new LayerSpec { Sources = [part.Source] });
            result[part.Kind == LayerPartKind.Rest ? "rest" : part.Files[0]] = diffId;
        }
        return result;
    }
}
