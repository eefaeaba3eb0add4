using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

[Tier(Tier.Unit)]
public class OciLayoutTests
{
    [Theory]
    [InlineData("oci:/tmp/layout", "/tmp/layout", null)]
    [InlineData("oci:/tmp/layout:base", "/tmp/layout", "base")]
    [InlineData("oci:rel/dir:localhost:5000/example-generator:v3", "rel/dir", "localhost:5000/example-generator:v3")]
    public void Parses_the_cli_form(string text, string directory, string? tag)
    {
        Assert.True(OciLayoutReference.TryParse(text, out var reference, out var error), error);
        Assert.Equal(directory, reference.Directory);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("docker.io/library/busybox")]
    [InlineData("oci:")]
    [InlineData("oci::tag")]
    [InlineData("oci:/dir:")]
    public void Rejects_what_is_not_a_layout_reference(string text)
    {
        Assert.False(OciLayoutReference.TryParse(text, out _, out var error));
        Assert.Contains(text, error);
        Assert.Throws<InvalidInputException>(() => OciLayoutReference.Parse(text));
    }

    [Fact]
    public async Task Write_then_read_round_trips_and_existing_blobs_are_skipped()
    {
        using var dir = new TempDirectory();
        var image = await TestImages.SmallBaseAsync(dir.Combine("work"), MediaTypeFamily.Oci);
        var layout = new OciLayout(dir.Combine("layout"));

        var first = new RecordedEvents();
        await layout.WriteImageAsync(image, ["v1"], first);
        Assert.Contains(first.Transfers, e => e.Kind == TransferKind.Uploaded && e.Blob.Digest == image.Manifest.Layers[0].Digest);

        var second = new RecordedEvents();
        await layout.WriteImageAsync(image, ["v2"], second);
        Assert.All(second.Transfers, e => Assert.Equal(TransferKind.Exists, e.Kind));

        var read = await layout.ReadImageAsync("v1", Platform.LinuxAmd64);
        Assert.Equal(image.Digest, read.Digest);
        Assert.Equal(image.ConfigBytes.ToArray(), read.ConfigBytes.ToArray());
        await using var blob = await read.Layers[0].OpenCompressedAsync();
        Assert.Equal(image.Manifest.Layers[0].Digest, await Digest.Sha256Async(blob));

        var reference = OciLayoutReference.Parse($"oci:{dir.Combine("layout")}:v2");
        var viaReference = await new OciLayout(reference.Directory).ReadImageAsync(reference.Tag!, Platform.LinuxAmd64);
        Assert.Equal(image.Digest, viaReference.Digest);

        var index = await layout.ReadIndexAsync();
        Assert.Equal(2, index!.Manifests.Count);
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", File.ReadAllText(dir.Combine("layout", "oci-layout")));
    }

    [Fact]
    public async Task Writing_a_tag_again_moves_it_to_the_new_image()
    {
        using var dir = new TempDirectory();
        var oci = await TestImages.SmallBaseAsync(dir.Combine("a"), MediaTypeFamily.Oci);
        var docker = await TestImages.SmallBaseAsync(dir.Combine("b"), MediaTypeFamily.Docker);
        var layout = new OciLayout(dir.Combine("layout"));
        await layout.WriteImageAsync(oci, ["latest"]);
        await layout.WriteImageAsync(docker, ["latest"]);
        var index = await layout.ReadIndexAsync();
        var entry = Assert.Single(index!.Manifests);
        Assert.Equal(docker.Digest, entry.Digest);
        Assert.Equal(MediaTypes.DockerManifest, entry.MediaType);
        Assert.Equal(docker.Digest, (await layout.ReadImageAsync("latest", Platform.LinuxAmd64)).Digest);
    }

    [Fact]
    public async Task Unknown_tag_is_an_error_listing_the_tags()
    {
        using var dir = new TempDirectory();
        var layout = new OciLayout(dir.Combine("layout"));
        await layout.WriteImageAsync(await TestImages.SmallBaseAsync(dir.Combine("w"), MediaTypeFamily.Oci), ["base"]);
        var error = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ReadImageAsync("nope", Platform.LinuxAmd64));
        Assert.Equal(layout.Directory, error.Directory);
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("(tags: base)", error.Message);
        var missing = await Assert.ThrowsAsync<OciLayoutException>(() => new OciLayout(dir.Combine("nothing")).ReadImageAsync("x", Platform.LinuxAmd64));
        Assert.Equal(dir.Combine("nothing"), missing.Directory);
        Assert.Contains("index.json", missing.Message);
    }

    [Fact]
    public async Task An_index_entry_is_resolved_to_the_platform()
    {
        using var dir = new TempDirectory();
        var amd64 = await TestImages.SmallBaseAsync(dir.Combine("a"), MediaTypeFamily.Oci);
        var layout = new OciLayout(dir.Combine("layout"));
        await layout.WriteImageAsync(amd64, []);
        // Wrap the image in a nested index listing two platforms (the arm64 entry points at the same manifest; only its platform matters).
        var manifestDescriptor = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = amd64.Digest, Size = amd64.ManifestBytes.Length };
        var nested = OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests =
            [
                manifestDescriptor with { Platform = Platform.Parse("linux/arm64/v8") },
                manifestDescriptor with { Platform = Platform.LinuxAmd64 },
            ],
        });
        var nestedDigest = Digest.Sha256(nested);
        File.WriteAllBytes(layout.BlobPath(nestedDigest), nested);
        var top = OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [new Descriptor { MediaType = MediaTypes.OciIndex, Digest = nestedDigest, Size = nested.Length, Annotations = new Dictionary<string, string> { [OciLayout.RefNameAnnotation] = "multi" } }],
        });
        File.WriteAllBytes(dir.Combine("layout", "index.json"), top);

        Assert.Equal(amd64.Digest, (await layout.ReadImageAsync("multi", Platform.LinuxAmd64)).Digest);
        var error = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ReadImageAsync("multi", Platform.Parse("linux/s390x")));
        Assert.Contains("linux/s390x", error.Message);
        Assert.Contains("linux/arm64/v8", error.Message);
    }

    // A corrupt config or manifest is bad data from the image's source, as a corrupt layer is (BlobContentMismatchException):
    // the registry category (exit 3), not invalid input.
    [Theory]
    [InlineData("config")]
    [InlineData("manifest")]
    public async Task A_corrupt_blob_is_reported_as_bad_data_from_the_source(string blob)
    {
        using var dir = new TempDirectory();
        var image = await TestImages.SmallBaseAsync(dir.Combine("w"), MediaTypeFamily.Oci);
        var layout = new OciLayout(dir.Combine("layout"));
        await layout.WriteImageAsync(image, ["t"]);
        var digest = blob == "config" ? image.Manifest.Config.Digest : image.Digest;
        File.WriteAllText(layout.BlobPath(digest), "{\"tampered\":1}");
        var error = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ReadImageAsync("t", Platform.LinuxAmd64));
        Assert.Equal(ErrorCategory.Registry, error.Category);
        Assert.Contains(digest.ToString(), error.Message);
    }
}
