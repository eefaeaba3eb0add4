using System.Formats.Tar;
using System.Text;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>The layer builder in-process: the tests that check its output with GNU tar, gzip or a FIFO made by mkfifo are
/// in <see cref="LayerBuilderGnuToolTests"/>.</summary>
[Tier(Tier.Unit)]
public class LayerBuilderTests
{
    internal static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static LayerSpec Spec(string modelSource, LayerCompression compression = LayerCompression.Gzip) => new()
    {
        Sources =
        [
            new DirectorySource(modelSource, "workspace/model-src", UseDockerignore: true),
            new FileSource("GENERATOR-MANIFEST.yml", "name: x\n"u8.ToArray(), (UnixFileMode)0b110_100_100),
            new FileSource("workspace/generator.sh", "#!/bin/sh\necho hi\n"u8.ToArray(), (UnixFileMode)0b111_101_101),
        ],
        Compression = compression,
        ModificationTime = Epoch,
    };

    /// <summary>Creates the same model source with different creation order, times and permissions.</summary>
    private static void CreateModelSource(string root, bool variant)
    {
        var files = new (string Path, string Content, bool Exec)[]
        {
            ("Dockerfile", "FROM scratch\nCOPY . /app\n", false),
            (".dockerignore", "*.log\nbuild/\n!build/keep.txt\n", false),
            ("src/main.py", "print('hello')\n", false),
            ("src/run.sh", "#!/bin/sh\n", true),
            ("src/pkg/__init__.py", "", false),
            ("data/weights.bin", new string('w', 70_000), false),
            ("debug.log", "noise", false),
            ("build/out.o", "obj", false),
            ("build/keep.txt", "kept", false),
        };
        if (variant) Array.Reverse(files);
        foreach (var (path, content, exec) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            if (OperatingSystem.IsWindows()) continue;
            // Different permission bits that normalise to the same mode (0644 / 0755).
            var mode = exec
                ? (variant ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : (UnixFileMode)0b111_111_101)
                : (variant ? UnixFileMode.UserRead | UnixFileMode.UserWrite : (UnixFileMode)0b110_110_110);
            File.SetUnixFileMode(full, mode);
            File.SetLastWriteTimeUtc(full, variant ? new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc) : DateTime.UtcNow);
        }
        File.CreateSymbolicLink(Path.Combine(root, "src", "link.py"), "main.py");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(root, "src"), variant ? (UnixFileMode)0b111_000_000 : (UnixFileMode)0b111_111_111);
            Directory.SetLastWriteTimeUtc(Path.Combine(root, "data"), variant ? DateTime.UnixEpoch : DateTime.UtcNow);
        }
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task Same_content_gives_byte_identical_layer_whatever_times_modes_and_order(LayerCompression compression)
    {
        using var a = new TempDirectory("mg-layer-a");
        using var b = new TempDirectory("mg-layer-b");
        CreateModelSource(a.Combine("src"), variant: false);
        CreateModelSource(b.Combine("src"), variant: true);

        var first = await LayerBuilder.BuildAsync(Spec(a.Combine("src"), compression), a.Combine("out"));
        var second = await LayerBuilder.BuildAsync(Spec(b.Combine("src"), compression), b.Combine("out"));

        Assert.Equal(first.DiffId, second.DiffId);
        Assert.Equal(first.Descriptor.Digest, second.Descriptor.Digest);
        Assert.Equal(File.ReadAllBytes(first.FilePath), File.ReadAllBytes(second.FilePath));
        // The digests reported are those of the bytes written.
        Assert.Equal(Digest.Sha256(File.ReadAllBytes(first.FilePath)), first.Descriptor.Digest);
        Assert.Equal(new FileInfo(first.FilePath).Length, first.Descriptor.Size);
        Assert.Equal(LayerReading.UncompressedDigest(first), first.DiffId);
        Assert.Equal(compression == LayerCompression.Zstd ? MediaTypes.OciLayerZstd : MediaTypes.OciLayerGzip, first.Descriptor.MediaType);
    }

    [Fact]
    public async Task ComputeDiffId_matches_the_built_layer_without_writing_it()
    {
        using var dir = new TempDirectory();
        CreateModelSource(dir.Combine("src"), variant: false);
        var (diffId, size) = await LayerBuilder.ComputeDiffIdAsync(Spec(dir.Combine("src")));
        Assert.False(Directory.Exists(dir.Combine("out")));
        var layer = await LayerBuilder.BuildAsync(Spec(dir.Combine("src")), dir.Combine("out"));
        Assert.Equal(layer.DiffId, diffId);
        Assert.Equal(layer.UncompressedSize, size);
    }

    [Fact]
    public async Task A_changed_byte_changes_the_digest()
    {
        using var dir = new TempDirectory();
        CreateModelSource(dir.Combine("src"), variant: false);
        var before = await LayerBuilder.BuildAsync(Spec(dir.Combine("src")), dir.Combine("out"));
        File.WriteAllText(dir.Combine("src", "src", "main.py"), "print('hellO')\n");
        var after = await LayerBuilder.BuildAsync(Spec(dir.Combine("src")), dir.Combine("out"));
        Assert.NotEqual(before.DiffId, after.DiffId);
    }

    [Fact]
    public async Task Tar_has_sorted_entries_parents_normalised_modes_and_no_host_metadata()
    {
        using var dir = new TempDirectory();
        CreateModelSource(dir.Combine("src"), variant: true);
        var layer = await LayerBuilder.BuildAsync(Spec(dir.Combine("src")), dir.Combine("out"));
        var entries = LayerReading.ReadEntries(layer);

        string[] expected =
        [
            "GENERATOR-MANIFEST.yml",
            "workspace/",
            "workspace/generator.sh",
            "workspace/model-src/",
            "workspace/model-src/.dockerignore",
            "workspace/model-src/Dockerfile",
            "workspace/model-src/build/",
            "workspace/model-src/build/keep.txt",
            "workspace/model-src/data/",
            "workspace/model-src/data/weights.bin",
            "workspace/model-src/src/",
            "workspace/model-src/src/link.py",
            "workspace/model-src/src/main.py",
            "workspace/model-src/src/pkg/",
            "workspace/model-src/src/pkg/__init__.py",
            "workspace/model-src/src/run.sh",
        ];
        Assert.Equal(expected, entries.Select(e => e.Name));
        foreach (var e in entries)
        {
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal("", e.UserName);
            Assert.Equal("", e.GroupName);
            Assert.Equal(Epoch, e.ModificationTime);
            Assert.DoesNotContain("atime", e.Pax.Keys);
            Assert.DoesNotContain("ctime", e.Pax.Keys);
        }
        UnixFileMode M(int octal) => (UnixFileMode)octal;
        Assert.All(entries.Where(e => e.Type == TarEntryType.Directory), e => Assert.Equal(M(0x1ED), e.Mode));
        var byName = entries.ToDictionary(e => e.Name);
        Assert.Equal(M(0x1ED), byName["workspace/model-src/src/run.sh"].Mode);
        Assert.Equal(M(0x1A4), byName["workspace/model-src/src/main.py"].Mode);
        Assert.Equal(M(0x1ED), byName["workspace/generator.sh"].Mode);
        Assert.Equal(TarEntryType.SymbolicLink, byName["workspace/model-src/src/link.py"].Type);
        Assert.Equal("main.py", byName["workspace/model-src/src/link.py"].LinkName);
        Assert.Equal(70_000, byName["workspace/model-src/data/weights.bin"].Content.Length);
        Assert.Equal("kept", Encoding.UTF8.GetString(byName["workspace/model-src/build/keep.txt"].Content));
    }

    [Fact]
    public async Task Gzip_header_has_no_time_and_a_fixed_os_byte()
    {
        using var dir = new TempDirectory();
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [new FileSource("a", "x"u8.ToArray(), (UnixFileMode)0x1A4)] }, dir.Path);
        var head = File.ReadAllBytes(layer.FilePath)[..10];
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0 }, head[..8]);
        Assert.Equal(255, head[9]);
    }

    [Fact]
    public async Task Long_and_non_ascii_names_round_trip_through_pax()
    {
        using var dir = new TempDirectory();
        var deep = string.Join('/', Enumerable.Repeat("directory-name-that-is-long", 8));
        var name = deep + "/fïlé-ünïcödé.txt";
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [new FileSource(name, "x"u8.ToArray(), (UnixFileMode)0x1A4)] }, dir.Path);
        var entries = LayerReading.ReadEntries(layer);
        Assert.Contains(entries, e => e.Name == name && e.Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile);
    }

    [Fact]
    public async Task Symlink_inside_the_source_is_kept()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/a/target.txt", "t");
        Directory.CreateDirectory(dir.Combine("src", "b"));
        File.CreateSymbolicLink(dir.Combine("src", "b", "rel"), "../a/target.txt");
        Directory.CreateSymbolicLink(dir.Combine("src", "dirlink"), "a");
        File.CreateSymbolicLink(dir.Combine("src", "dangling"), "a/not-there");
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", false)] }, dir.Combine("out"));
        var entries = LayerReading.ReadEntries(layer).ToDictionary(e => e.Name);
        Assert.Equal("../a/target.txt", entries["m/b/rel"].LinkName);
        Assert.Equal(TarEntryType.SymbolicLink, entries["m/dirlink"].Type);
        Assert.Equal((UnixFileMode)0x1FF, entries["m/dirlink"].Mode);
        Assert.DoesNotContain("m/dirlink/target.txt", entries.Keys); // symlinked directories are not followed
        Assert.Equal(TarEntryType.SymbolicLink, entries["m/dangling"].Type);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("../sub/../../outside")]
    [InlineData("../via/../x")]   // lexically inside, but 'via' points at the root, so via/.. is the root's parent
    public async Task Symlink_pointing_outside_the_source_is_an_error_naming_it(string target)
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/sub/file", "f");
        Directory.CreateSymbolicLink(dir.Combine("src", "via"), ".");
        File.CreateSymbolicLink(dir.Combine("src", "sub", "bad"), target);
        var error = await Assert.ThrowsAsync<LayerBuildException>(() =>
            LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", false)] }, dir.Combine("out")));
        Assert.Equal(dir.Combine("src", "sub", "bad"), error.Path);
        Assert.Contains("outside the model source", error.Message);
    }

    [Fact]
    public async Task Socket_is_an_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        var socketPath = dir.Combine("src", "s.sock");
        Directory.CreateDirectory(dir.Combine("src"));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        var error = await Assert.ThrowsAsync<LayerBuildException>(() =>
            LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", false)] }, dir.Combine("out")));
        Assert.Equal(socketPath, error.Path);
        Assert.Contains("socket", error.Message);
    }

    [Fact]
    public async Task Dockerignore_removes_files_but_keeps_the_dockerfile_and_itself()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/Dockerfile_model", "FROM x");
        dir.WriteFile("src/.dockerignore", "Dockerfile_model\n.dockerignore\n**/*.pyc\nnotes\n");
        dir.WriteFile("src/app/x.pyc", "c");
        dir.WriteFile("src/app/x.py", "p");
        dir.WriteFile("src/notes/a.txt", "n");
        var source = new DirectorySource(dir.Combine("src"), "workspace/model-src", true) { AlwaysInclude = ["Dockerfile_model", ".dockerignore"] };
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [source] }, dir.Combine("out"));
        var names = LayerReading.ReadEntries(layer).Select(e => e.Name).ToList();
        Assert.Contains("workspace/model-src/Dockerfile_model", names);
        Assert.Contains("workspace/model-src/.dockerignore", names);
        Assert.Contains("workspace/model-src/app/x.py", names);
        Assert.DoesNotContain("workspace/model-src/app/x.pyc", names);
        Assert.DoesNotContain(names, n => n.StartsWith("workspace/model-src/notes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_dockerignore_is_an_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        var ignoreFile = dir.WriteFile("src/.dockerignore", "[unclosed\n");
        var error = await Assert.ThrowsAsync<LayerBuildException>(() =>
            LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", true)] }, dir.Combine("out")));
        Assert.Equal(ignoreFile, error.Path);
        Assert.Contains("line 1", error.Message);
    }

    [Fact]
    public async Task Missing_source_directory_is_an_error_naming_it()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<LayerBuildException>(() =>
            LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("nope"), "m", true)] }, dir.Combine("out")));
        Assert.Equal(dir.Combine("nope"), error.Path);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task Two_sources_writing_the_same_path_is_an_error()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/generator.sh", "x");
        var spec = new LayerSpec
        {
            Sources = [new DirectorySource(dir.Combine("src"), "workspace", false), new FileSource("workspace/generator.sh", "y"u8.ToArray(), (UnixFileMode)0x1ED)],
        };
        var error = await Assert.ThrowsAsync<LayerBuildException>(() => LayerBuilder.BuildAsync(spec, dir.Combine("out")));
        Assert.Contains("/workspace/generator.sh", error.Message);
    }

    [Fact]
    public async Task Docker_family_gets_the_docker_gzip_media_type_and_zstd_is_refused_for_it()
    {
        using var dir = new TempDirectory();
        var files = new LayerSource[] { new FileSource("a", "x"u8.ToArray(), (UnixFileMode)0x1A4) };
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = files, MediaTypeFamily = MediaTypeFamily.Docker }, dir.Path);
        Assert.Equal(MediaTypes.DockerLayerGzip, layer.Descriptor.MediaType);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            LayerBuilder.BuildAsync(new LayerSpec { Sources = files, MediaTypeFamily = MediaTypeFamily.Docker, Compression = LayerCompression.Zstd }, dir.Path));
    }

    [Fact]
    public async Task Compression_level_changes_bytes_but_not_diff_id()
    {
        using var dir = new TempDirectory();
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i % 97} of a compressible file\n"));
        var files = new LayerSource[] { new FileSource("a.txt", Encoding.UTF8.GetBytes(text), (UnixFileMode)0x1A4) };
        var fast = await LayerBuilder.BuildAsync(new LayerSpec { Sources = files, CompressionLevel = 1 }, dir.Combine("1"));
        var best = await LayerBuilder.BuildAsync(new LayerSpec { Sources = files, CompressionLevel = 9 }, dir.Combine("9"));
        Assert.Equal(fast.DiffId, best.DiffId);
        Assert.NotEqual(fast.Descriptor.Digest, best.Descriptor.Digest);
        await Assert.ThrowsAsync<InvalidInputException>(() => LayerBuilder.BuildAsync(new LayerSpec { Sources = files, CompressionLevel = 10 }, dir.Path));
        // One rule for the library and the CLI: gzip level 0 (stored, no compression) is out of range too.
        await Assert.ThrowsAsync<InvalidInputException>(() => LayerBuilder.BuildAsync(new LayerSpec { Sources = files, CompressionLevel = 0 }, dir.Path));
    }
}

/// <summary>Measures allocations, so it must not share the process with other tests running at the same time.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

[Tier(Tier.Unit)]
[Collection(nameof(MemoryMeasurement))]
public class LayerBuilderMemoryTests
{
    [Fact] // runs no program: in-process, so unit
    public async Task Large_file_is_streamed_with_bounded_memory()
    {
        using var dir = new TempDirectory();
        var big = dir.Combine("src", "big.bin");
        Directory.CreateDirectory(dir.Combine("src"));
        await using (var f = File.Create(big))
        {
            var chunk = new byte[1 << 20];
            var random = new Random(42);
            for (var i = 0; i < 64; i++)
            {
                random.NextBytes(chunk);
                f.Write(chunk);
            }
        }
        var totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        var layer = await LayerBuilder.BuildAsync(new LayerSpec { Sources = [new DirectorySource(dir.Combine("src"), "m", false)] }, dir.Combine("out"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
        Assert.Equal((64L << 20) + 4 * 512, layer.UncompressedSize); // "m/" and the file header, no padding, 2 end blocks
        // A whole-layer buffer would allocate at least the 64 MiB of the file; streaming allocates a few fixed buffers.
        Assert.True(allocated < 32L << 20, $"building a 64 MiB layer allocated {allocated >> 20} MiB");
    }
}
