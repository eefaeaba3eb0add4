using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

[Tier(Tier.Unit)]
public class OciJsonTests
{
    [Fact]
    public void Manifests_are_written_without_html_escapes_as_other_tools_write_them()
    {
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Sha256("{}"u8), Size = 2 },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256("x"u8), Size = 1 }],
        };
        var text = Encoding.UTF8.GetString(OciJson.Serialize(manifest));
        Assert.Contains("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"", text);
        Assert.Contains("\"application/vnd.oci.image.layer.v1.tar+gzip\"", text);
        Assert.DoesNotContain("\\u", text);
        Assert.Equal(manifest.Layers[0].Digest, OciJson.ParseManifest(Encoding.UTF8.GetBytes(text)).Layers[0].Digest);
    }

    [Fact]
    public void Config_labels_keep_non_ascii_text_and_angle_brackets_as_utf8()
    {
        var config = new JsonObject { ["config"] = new JsonObject { ["Labels"] = new JsonObject { ["info"] = "Windpark Ålkmaar <north>" } } };
        var text = Encoding.UTF8.GetString(OciJson.Serialize(config));
        Assert.Equal("{\"config\":{\"Labels\":{\"info\":\"Windpark Ålkmaar <north>\"}}}", text);
    }

    [Fact]
    public void A_manifest_without_media_type_reads_as_an_oci_manifest()
    {
        var bytes = """{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"""u8;
        Assert.Equal(MediaTypes.OciManifest, OciJson.ParseManifest(bytes).MediaType);
    }
}
