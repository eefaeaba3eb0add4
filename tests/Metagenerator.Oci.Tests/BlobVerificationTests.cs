using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>A base image read from an OCI layout whose layer blob does not match its digest is bad source data, named as such.</summary>
[Tier(Tier.Unit)]
public class BlobVerificationTests
{
    private static async Task<(string Layout, IImage Base, Digest Layer)> CorruptBaseAsync(TempDirectory dir)
    {
        var image = await TestImages.SmallBaseAsync(dir.Combine("built"), MediaTypeFamily.Oci);
        var layout = new OciLayout(dir.Combine("base-layout"));
        await layout.WriteImageAsync(image, ["base"]);
        var layer = image.Layers[0].Descriptor.Digest;
        var blob = layout.BlobPath(layer);
        var bytes = File.ReadAllBytes(blob);
        bytes[bytes.Length / 2] ^= 0xFF; // same size, other content
        File.WriteAllBytes(blob, bytes);
        return (layout.Directory, await layout.ReadImageAsync("base", Platform.LinuxAmd64), layer);
    }

    [Fact]
    public async Task Writing_an_oci_layout_from_a_corrupt_base_blames_the_base_layout_and_the_blob()
    {
        using var dir = new TempDirectory();
        var (layout, image, layer) = await CorruptBaseAsync(dir);

        var error = await Assert.ThrowsAsync<BlobContentMismatchException>(() => new OciLayout(dir.Combine("out")).WriteImageAsync(image, ["v1"]));
        Assert.Equal(ErrorCategory.Registry, error.Category);
        Assert.Contains($"oci:{layout}:base", error.Message);
        Assert.Contains(layer.ToString(), error.Message);
        Assert.DoesNotContain(dir.Combine("out"), error.Message);
        Assert.False(File.Exists(new OciLayout(dir.Combine("out")).BlobPath(layer)));
    }

    [Fact]
    public async Task Writing_a_docker_archive_from_a_corrupt_base_blames_the_base_layout_and_the_blob()
    {
        using var dir = new TempDirectory();
        var (layout, image, layer) = await CorruptBaseAsync(dir);

        var error = await Assert.ThrowsAsync<BlobContentMismatchException>(() => new DockerArchiveSink(dir.Combine("out.tar")).WriteImageAsync(image, ["example/x:1"]));
        Assert.Equal(ErrorCategory.Registry, error.Category);
        Assert.Contains($"oci:{layout}:base", error.Message);
        Assert.Contains(layer.ToString(), error.Message);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tar*"));
    }
}
