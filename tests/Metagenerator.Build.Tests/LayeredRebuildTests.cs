using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// Issue 11: the new content in layers by volatility, against a real docker-registry behind the counting proxy. Each
/// rebuild uploads only the layers whose content changed (plus the config); everything else is reused by diffID.
/// </summary>
[Tier(Tier.Registry)]
public sealed class LayeredRebuildTests : IClassFixture<PlainRegistryWithBase>, IAsyncDisposable
{
    /// <summary>Small enough that test files of 64 KiB are large, large enough that the Python files and the Dockerfile are not.</summary>
    private const long Threshold = 16 * 1024;

    // The registry is shared by the class: each test builds a generator of its own name, so it pushes to (and reuses
    // from) a repository no other test touches. The counting proxy is the test's own.
    private readonly FaultProxy _proxy;
    private readonly string _base;

    public LayeredRebuildTests(PlainRegistryWithBase shared)
    {
        _proxy = FaultProxy.Start(shared.Registry.Port);
        _base = $"{_proxy.Host}/base:1";
    }

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    /// <summary>
    /// A workspace with the seed manifest renamed to <paramref name="name"/> (the repository its builds push to) and a
    /// model source holding small files and three large files in three different hash groups.
    /// </summary>
    private sealed class Workspace : IDisposable
    {
        public Workspace(string registry, string name)
        {
            ManifestPath = TestModels.WriteManifest(Dir, "seed-example", registry, name: name);
            Source = TestModels.WriteModelSource(Dir, Manifest);
            Dir.WriteFile("model-src/model/forecast.py", "def forecast():\n    return 42\n");
            foreach (var path in LargeFilesInDistinctGroups(4).Take(3)) WriteLarge(path, seed: 1);
        }

        public TempDirectory Dir { get; } = new("mg-layered");
        public string ManifestPath { get; }
        public string Source { get; }
        public GeneratorManifest Manifest => ManifestLoader.Load(ManifestPath);

        /// <summary>Writes 64 KiB of pseudo-random bytes (incompressible, like weights) at a model-source path.</summary>
        public void WriteLarge(string relativePath, int seed)
        {
            var bytes = new byte[64 * 1024];
            new Random(seed * 7919 + relativePath.Length).NextBytes(bytes);
            var full = Path.Combine(Source, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }

        public void Dispose() => Dir.Dispose();
    }

    /// <summary>Model-source paths data/part-N.bin whose large-file groups all differ (found by trying N = 0, 1, ...).</summary>
    private static List<string> LargeFilesInDistinctGroups(int count)
    {
        var paths = new List<string>();
        var groups = new HashSet<int>();
        for (var n = 0; paths.Count < count; n++)
        {
            var path = $"data/part-{n}.bin";
            if (groups.Add(LayerPartitioner.GroupOf($"workspace/model-src/{path}"))) paths.Add(path);
        }
        return paths;
    }

    private GeneratorBuildRequest Request(Workspace ws) => new()
    {
        Image = new GeneratorImageSpec { Manifest = ws.Manifest, ModelSource = ws.Source, LargeFileThreshold = Threshold },
        BaseImage = _base,
        Registry = new RegistryOptions { InsecureRegistries = new HashSet<string> { _proxy.Host } },
    };

    /// <summary>Runs a build (pushing to GENERATOR_REGISTRY/NAME:v3) and returns it with the descriptors of the blobs it uploaded.</summary>
    private async Task<(GeneratorBuildResult Result, List<Descriptor> Uploaded)> BuildAsync(Workspace ws)
    {
        _proxy.Reset();
        var events = new RecordedEvents();
        var result = await GeneratorBuild.RunAsync(Request(ws), events);
        return (result, [.. events.Transfers.Where(e => e.Kind == TransferKind.Uploaded).Select(e => e.Blob)]);
    }

    private static GeneratorLayer LayerHolding(GeneratorBuildResult result, string modelSourcePath) =>
        result.NewLayers.Single(l => l.Files.Contains($"workspace/model-src/{modelSourcePath}"));

    /// <summary>Exactly the layers in <paramref name="expected"/> and the config were uploaded, each once.</summary>
    private void AssertUploadedExactly(List<Descriptor> uploaded, params GeneratorLayer[] expected)
    {
        Assert.Equal(expected.Select(l => l.Descriptor.Digest).Order().ToList(),
            uploaded.Where(d => !d.MediaType.Contains("config")).Select(d => d.Digest).Order().ToList());
        Assert.Single(uploaded, d => d.MediaType.Contains("config"));
        Assert.Equal(expected.Length + 1, _proxy.Requests.Where(r => r.IsBlobUpload).Select(r => r.Path).Distinct().Count());
    }

    [NeedsToolsFact("umoci", "tar", "docker-registry", "skopeo")]
    public async Task First_build_has_one_layer_per_large_file_group_then_the_small_files_then_manifest_and_script()
    {
        using var ws = new Workspace(_proxy.Host, "layered-first");
        var (result, uploaded) = await BuildAsync(ws);

        var contents = result.NewLayers.Select(l => l.Contents).ToList();
        Assert.Equal(5, contents.Count);
        Assert.All(contents.Take(3), c => Assert.StartsWith("model source: large files, group ", c));
        Assert.Equal("model source: small files, directories and symlinks", contents[3]);
        Assert.Equal("GENERATOR-MANIFEST.yml and generator.sh", contents[4]);
        Assert.Equal(["GENERATOR-MANIFEST.yml", "workspace/generator.sh"], result.NewLayers[4].Files);
        Assert.All(result.NewLayers.Take(3), l => Assert.Single(l.Files));
        Assert.Contains("workspace/model-src/latest.py", result.NewLayers[3].Files);
        Assert.All(result.NewLayers, l => Assert.False(l.Reused));
        Assert.Equal(6, uploaded.Count); // five layers and the config
    }

    [NeedsToolsFact("umoci", "tar", "docker-registry", "skopeo")]
    public async Task Unchanged_rebuild_uploads_no_blob()
    {
        using var ws = new Workspace(_proxy.Host, "layered-unchanged");
        var (first, _) = await BuildAsync(ws);
        var (second, uploaded) = await BuildAsync(ws);

        Assert.Equal(first.Digest, second.Digest);
        Assert.All(second.NewLayers, l => Assert.True(l.Reused, l.Contents));
        Assert.Empty(uploaded);
        Assert.Equal(0, _proxy.BlobUploads);
    }

    [NeedsToolsFact("umoci", "tar", "docker-registry", "skopeo")]
    public async Task Changing_one_small_file_uploads_only_the_small_files_layer_and_the_config()
    {
        using var ws = new Workspace(_proxy.Host, "layered-small");
        var (first, _) = await BuildAsync(ws);
        ws.Dir.WriteFile("model-src/model/forecast.py", "def forecast():\n    return 43\n");
        var (second, uploaded) = await BuildAsync(ws);

        var changed = LayerHolding(second, "model/forecast.py");
        AssertUploadedExactly(uploaded, changed);
        Assert.NotEqual(LayerHolding(first, "model/forecast.py").DiffId, changed.DiffId);
        Assert.Equal(first.NewLayers.Where(l => l.Contents != changed.Contents).Select(l => l.Descriptor),
            second.NewLayers.Where(l => l.Contents != changed.Contents).Select(l => l.Descriptor));
    }

    [NeedsToolsFact("umoci", "tar", "docker-registry", "skopeo")]
    public async Task Changing_one_large_file_uploads_only_its_groups_layer_and_the_config()
    {
        using var ws = new Workspace(_proxy.Host, "layered-large");
        var (first, _) = await BuildAsync(ws);
        var target = LargeFilesInDistinctGroups(4)[1];
        ws.WriteLarge(target, seed: 2);
        var (second, uploaded) = await BuildAsync(ws);

        var changed = LayerHolding(second, target);
        AssertUploadedExactly(uploaded, changed);
        Assert.All(second.NewLayers.Where(l => l != changed), l => Assert.True(l.Reused, l.Contents));
        Assert.Equal(first.NewLayers.Count, second.NewLayers.Count);
    }

    [NeedsToolsFact("umoci", "tar", "docker-registry", "skopeo")]
    public async Task Adding_a_large_file_adds_its_groups_layer_and_moves_no_other_file()
    {
        using var ws = new Workspace(_proxy.Host, "layered-add");
        var (first, _) = await BuildAsync(ws);
        var added = LargeFilesInDistinctGroups(4)[3]; // a group no other file is in
        ws.WriteLarge(added, seed: 3);
        var (second, uploaded) = await BuildAsync(ws);

        var addedLayer = LayerHolding(second, added);
        AssertUploadedExactly(uploaded, addedLayer);
        Assert.Equal(first.NewLayers.Count + 1, second.NewLayers.Count);
        // Every layer of the first build is in the second, unchanged, and still holds the same files.
        foreach (var before in first.NewLayers)
        {
            var after = Assert.Single(second.NewLayers, l => l.Descriptor.Digest == before.Descriptor.Digest);
            Assert.Equal(before.Files, after.Files);
            Assert.True(after.Reused);
        }
    }

    [NeedsToolsFact("umoci", "tar", "docker-registry", "skopeo")]
    public async Task Editing_the_manifest_uploads_only_the_last_layer_and_the_config()
    {
        using var ws = new Workspace(_proxy.Host, "layered-manifest");
        var (first, _) = await BuildAsync(ws);
        File.WriteAllText(ws.ManifestPath, File.ReadAllText(ws.ManifestPath).Replace("default: /grid_data/grid.json", "default: /grid_data/other.json"));
        var (second, uploaded) = await BuildAsync(ws);

        AssertUploadedExactly(uploaded, second.NewLayers[^1]);
        Assert.Equal(first.NewLayers.SkipLast(1).Select(l => l.Descriptor), second.NewLayers.SkipLast(1).Select(l => l.Descriptor));
        Assert.NotEqual(first.NewLayers[^1].DiffId, second.NewLayers[^1].DiffId);
    }

    [NeedsToolsFact("umoci", "tar", "docker-registry", "skopeo")]
    public async Task Layers_together_hold_exactly_the_tree_one_layer_would_hold()
    {
        using var ws = new Workspace(_proxy.Host, "layered-tree");
        Directory.CreateDirectory(Path.Combine(ws.Source, "empty/nested"));
        var request = Request(ws) with { Push = false, OciLayout = ws.Dir.Combine("layout") };
        var result = await GeneratorBuild.RunAsync(request);
        Assert.Equal(5, result.NewLayers.Count);

        // Today's single layer of the same content, built by the same layer builder.
        var single = await LayerBuilder.BuildAsync(new LayerSpec
        {
            Sources = GeneratorImageAssembler.ContentSources(request.Image),
            ModificationTime = request.Image.Created,
        }, ws.Dir.Combine("single"));

        // 1. Tar headers: the union of the layers' entries (later layers over earlier ones, as an engine applies them)
        //    is entry for entry the single layer: same paths, types, modes, owners, times, link targets and bytes.
        var union = new Dictionary<string, string>();
        var fileOwners = new Dictionary<string, int>();
        for (var i = 0; i < result.NewLayers.Count; i++)
        {
            var blob = Path.Combine(request.OciLayout!, "blobs", "sha256", result.NewLayers[i].Descriptor.Digest.Hex);
            foreach (var (path, entry) in TarEntries(File.OpenRead(blob)))
            {
                if (!entry.StartsWith("Directory", StringComparison.Ordinal))
                    Assert.True(fileOwners.TryAdd(path, i), $"{path} is in two layers");
                union[path] = entry;
            }
        }
        var expected = TarEntries(File.OpenRead(single.FilePath)).ToDictionary();
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), union.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Contains("workspace/model-src/empty/nested/", expected.Keys);

        // 2. On disk: umoci unpacks the image, GNU tar extracts the single layer; the trees under / agree (the base aside).
        var bundle = ws.Dir.Combine("bundle");
        (await ExternalTool.RunAsync("umoci", ["unpack", "--rootless", "--image", $"{request.OciLayout}:v3", bundle])).EnsureSuccess();
        var extracted = Directory.CreateDirectory(ws.Dir.Combine("extracted")).FullName;
        (await ExternalTool.RunAsync("tar", ["-xzpf", single.FilePath, "-C", extracted])).EnsureSuccess();
        var fromImage = await TreeListingAsync(Path.Combine(bundle, "rootfs"), "GENERATOR-MANIFEST.yml", "workspace");
        var fromSingle = await TreeListingAsync(extracted, "GENERATOR-MANIFEST.yml", "workspace");
        Assert.Equal(fromSingle, fromImage);
        Assert.Contains(fromImage, line => line.Contains("data/part-"));
    }

    /// <summary>GNU find's view of the given top-level paths: type, mode, path, link target and content hash per entry, sorted.</summary>
    private static async Task<List<string>> TreeListingAsync(string root, params string[] tops)
    {
        var listing = await ExternalTool.RunAsync("find", [.. tops, "-printf", "%y %m %p %l\\n"], workingDirectory: root);
        listing.EnsureSuccess();
        return listing.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.StartsWith("f ", StringComparison.Ordinal)
                ? line + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, line.Split(' ')[2])))) : line)
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every entry of a gzip tar as path → "type mode uid gid mtime link sha256".</summary>
    private static IEnumerable<(string Path, string Entry)> TarEntries(Stream gzip)
    {
        using var tar = new TarReader(new GZipStream(gzip, CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } e)
        {
            var hash = e.DataStream is null ? "" : Convert.ToHexString(SHA256.HashData(e.DataStream));
            yield return (e.Name, $"{e.EntryType} {Convert.ToString((int)e.Mode, 8)} {e.Uid} {e.Gid} {e.ModificationTime.ToUnixTimeSeconds()} {e.LinkName} {hash}");
        }
    }
}
