using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.TestSupport;

namespace Metagenerator.Oci.Tests;

/// <summary>Base images made by the tests themselves (no registry is reachable in CI).</summary>
internal static class TestImages
{
    /// <summary>A one-layer image built in memory, with a config field this code does not know about.</summary>
    public static async Task<IImage> SmallBaseAsync(string workDirectory, MediaTypeFamily family)
    {
        var layer = await LayerBuilder.BuildAsync(new LayerSpec
        {
            Sources = [new FileSource("bin/hello", "#!/bin/sh\necho hello\n"u8.ToArray(), (UnixFileMode)0x1ED)],
            MediaTypeFamily = family,
        }, workDirectory);
        var config = $$$"""
            {"architecture":"amd64","os":"linux","x-unknown":{"kept":true},"config":{"Env":["PATH=/bin","HOME=/root"],"Cmd":["sh"],"Labels":{"base":"yes"}},"rootfs":{"type":"layers","diff_ids":["{{{layer.DiffId}}}"]},"history":[{"created_by":"base"}]}
            """;
        var configBytes = Encoding.UTF8.GetBytes(config.Trim());
        var docker = family == MediaTypeFamily.Docker;
        var manifest = new ImageManifest
        {
            MediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, Digest = Digest.Sha256(configBytes), Size = configBytes.Length },
            Layers = [layer.Descriptor],
        };
        return new Image(OciJson.Serialize(manifest), configBytes, [layer]);
    }

    /// <summary>A busybox image made with umoci in an OCI layout, tagged <paramref name="tag"/>.</summary>
    public static async Task CreateBusyboxLayoutAsync(string layoutDirectory, string tag)
    {
        var busybox = ExternalTool.Find("busybox") ?? throw new InvalidOperationException("busybox (busybox-static) is not installed");
        (await ExternalTool.RunAsync("umoci", ["init", "--layout", layoutDirectory])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["new", "--image", $"{layoutDirectory}:{tag}"])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["insert", "--rootless", "--image", $"{layoutDirectory}:{tag}", busybox, "/bin/busybox"])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["config", "--image", $"{layoutDirectory}:{tag}", "--config.cmd", "/bin/busybox", "--config.env", "PATH=/bin"])).EnsureSuccess();
    }

    public static JsonObject Config(IImage image) => Image.ParseConfig(image.ConfigBytes);
}
