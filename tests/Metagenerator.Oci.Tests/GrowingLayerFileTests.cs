using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>A layer read while <see cref="LayerBuilder"/> writes it, as a push does when it uploads a layer during its build.</summary>
[Tier(Tier.Unit)]
public class GrowingLayerFileTests
{
    private static LayerSpec Spec(string source) => new()
    {
        Sources = [new DirectorySource(source, "workspace/model-src", UseDockerignore: false)],
        ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
    };

    /// <summary>A source of 6 MiB: half random bytes, half text, so the layer takes several chunks of both kinds.</summary>
    private static string Source(TempDirectory dir)
    {
        var random = new byte[3 << 20];
        new Random(5).NextBytes(random);
        Directory.CreateDirectory(dir.Combine("src"));
        File.WriteAllBytes(dir.Combine("src", "weights.bin"), random);
        File.WriteAllText(dir.Combine("src", "table.csv"), string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i},{i * 7 % 13}\n")));
        return dir.Combine("src");
    }

    [Fact]
    public async Task A_reader_started_with_the_file_reads_exactly_the_finished_blob()
    {
        using var dir = new TempDirectory();
        var source = Source(dir);
        GrowingLayerFile? growing = null;
        Task<byte[]>? read = null;

        var built = await LayerBuilder.BuildAsync(Spec(source), dir.Combine("out"), file =>
        {
            growing = file;
            Assert.Equal(0, file.Length); // handed over before the first byte
            read = ReadAllAsync(file.OpenRead());
        });

        using (growing)
        {
            Assert.Equal(await File.ReadAllBytesAsync(built.FilePath), await read!);
            Assert.Equal(built.Descriptor, await growing!.Completion);
            Assert.Equal(built.Descriptor.Size, growing.Length);
        }
    }

    [Fact]
    public async Task A_build_that_fails_fails_its_reader_too()
    {
        using var dir = new TempDirectory();
        var source = Source(dir);
        using var cts = new CancellationTokenSource();
        GrowingLayerFile? growing = null;
        Stream? reader = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LayerBuilder.BuildAsync(Spec(source), dir.Combine("out"), file =>
        {
            growing = file;
            reader = file.OpenRead();
            cts.Cancel();
        }, cts.Token));

        using (growing)
        {
            var error = await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(reader!));
            Assert.StartsWith("the layer was not finished: ", error.Message);
            Assert.True(growing!.Completion.IsFaulted);
        }
    }

    [Fact]
    public async Task A_growing_file_has_one_reader()
    {
        using var dir = new TempDirectory();
        GrowingLayerFile? growing = null;
        await LayerBuilder.BuildAsync(Spec(Source(dir)), dir.Combine("out"), file => growing = file);
        using (growing)
        {
            await using var first = growing!.OpenRead();
            Assert.Throws<InvalidOperationException>(() => growing.OpenRead());
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            var all = new MemoryStream();
            await stream.CopyToAsync(all);
            return all.ToArray();
        }
    }
}
