using System.Text;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>Issue 20 point 6: a layer blob of an <c>oci:</c> layout that is a FIFO is refused when opened, not waited on.</summary>
[Tier(Tier.Tools)]
public sealed class LayoutLayerBlobKindTests
{
    [NeedsToolsFact("mkfifo")]
    public async Task A_layer_blob_that_is_a_fifo_is_refused_on_open()
    {
        using var dir = new TempDirectory();
        var layout = new OciLayout(dir.Combine("layout"));
        var layer = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256("layer"u8), Size = 5 };
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["DIFF"]}}""".Replace("DIFF", Digest.Sha256("tar"u8).ToString()));
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Sha256(config), Size = config.Length };
        var manifest = OciJson.Serialize(new ImageManifest
        {
            SchemaVersion = 2, MediaType = MediaTypes.OciManifest, Config = configDescriptor, Layers = [layer],
        });
        var manifestDigest = Digest.Sha256(manifest);
        dir.WriteFile("layout/oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        dir.WriteFile("layout/index.json", IndexJson(manifestDigest, manifest.Length));
        Directory.CreateDirectory(Path.GetDirectoryName(layout.BlobPath(manifestDigest))!);
        await File.WriteAllBytesAsync(layout.BlobPath(manifestDigest), manifest);
        await File.WriteAllBytesAsync(layout.BlobPath(configDescriptor.Digest), config);
        (await ExternalTool.RunAsync("mkfifo", [layout.BlobPath(layer.Digest)])).EnsureSuccess();
        var image = await layout.ReadImageAsync("v1", Platform.LinuxAmd64);

        var open = Task.Run(() => image.Layers[0].OpenCompressedAsync()); // the open itself blocks on a FIFO
        var finished = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != open)
        {
            await using (File.OpenWrite(layout.BlobPath(layer.Digest))) { } // lets the blocked open go, so the run ends
            Assert.Fail("opening the layer blob blocked on the FIFO");
        }
        var error = await Assert.ThrowsAsync<IOException>(() => open);
        Assert.Contains("named pipe", error.Message);
        Assert.Contains(layer.Digest.Hex, error.Message);
    }

    private static string IndexJson(Digest manifest, long size) => new System.Text.Json.Nodes.JsonObject
    {
        ["schemaVersion"] = 2,
        ["manifests"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["mediaType"] = MediaTypes.OciManifest, ["digest"] = manifest.ToString(), ["size"] = size,
            ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["org.opencontainers.image.ref.name"] = "v1" },
        }),
    }.ToJsonString();
}
