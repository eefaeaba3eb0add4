using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// Issue 20 point 11: "an added large file changes only its group's layer" also when the file sits in a new directory:
/// the directories on its path go with its group's layer, so the rest's layer keeps its diffID, and the parts together
/// still hold every directory.
/// </summary>
[Tier(Tier.Unit)]
public sealed class LargeFileDirectoryTests
{
    private const long Threshold = 1000;

    private static IReadOnlyList<LayerPart> Split(string root) =>
        LayerPartitioner.SplitBySize([new DirectorySource(root, "workspace/model-src", UseDockerignore: true)], Threshold);

    private static async Task<Digest> DiffIdAsync(LayerPart part) =>
        (await LayerBuilder.ComputeDiffIdAsync(new LayerSpec { Sources = [part.Source] })).DiffId;

    [Fact]
    public async Task A_large_file_added_in_a_new_directory_leaves_the_rest_layer_unchanged()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("code.py", "print(1)\n");
        dir.WriteFile("weights/base.bin", new string('x', 2000));
        Directory.CreateDirectory(dir.Combine("empty"));
        var rest = await DiffIdAsync(Split(dir.Path).Single(p => p.Kind == LayerPartKind.Rest));

        dir.WriteFile("weights/lora/new/adapter.bin", new string('y', 2000));
        var parts = Split(dir.Path);

        Assert.Equal(rest, await DiffIdAsync(parts.Single(p => p.Kind == LayerPartKind.Rest)));
        var group = parts.Single(p => p.Files.Contains("workspace/model-src/weights/lora/new/adapter.bin"));
        var built = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [group.Source] }, dir.Combine("out"));
        var names = LayerReading.ReadEntries(built).Select(e => e.Name.TrimEnd('/')).ToList();
        Assert.Contains("workspace/model-src/weights/lora", names);
        Assert.Contains("workspace/model-src/weights/lora/new", names);
    }

    [Fact]
    public async Task The_parts_together_hold_every_directory_and_an_empty_one_stays_in_the_rest()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("code.py", "print(1)\n");
        dir.WriteFile("weights/only-large/model.bin", new string('x', 2000));
        dir.WriteFile("mixed/small.txt", "s");
        dir.WriteFile("mixed/large.bin", new string('z', 2000));
        Directory.CreateDirectory(dir.Combine("empty", "deeper"));

        var names = new HashSet<string>(StringComparer.Ordinal);
        var restNames = new List<string>();
        foreach (var part in Split(dir.Path))
        {
            var built = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [part.Source] }, dir.Combine("out"));
            var entries = LayerReading.ReadEntries(built).Select(e => e.Name.TrimEnd('/')).ToList();
            names.UnionWith(entries);
            if (part.Kind == LayerPartKind.Rest) restNames.AddRange(entries);
        }

        foreach (var expected in new[] { "workspace", "workspace/model-src", "workspace/model-src/weights", "workspace/model-src/weights/only-large",
            "workspace/model-src/mixed", "workspace/model-src/empty", "workspace/model-src/empty/deeper" })
            Assert.Contains(expected, names);
        Assert.Contains("workspace/model-src/empty/deeper", restNames);
        Assert.Contains("workspace/model-src/mixed", restNames);
        Assert.DoesNotContain("workspace/model-src/weights/only-large", restNames);
    }
}
