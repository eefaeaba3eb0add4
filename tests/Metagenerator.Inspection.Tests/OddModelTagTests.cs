using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Build;
using Metagenerator.Build.Tests;
using Metagenerator.Cli.Output;
using Metagenerator.Inspection;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Inspection.Tests;

/// <summary>
/// Issue 20 point 9: odd tags among a generator's model tags (an arm64-only index, an OCI artifact, a config that is
/// not JSON, a Helm chart), pushed as raw uploads to a real docker-registry as oras or helm would, are listed and
/// flagged with why; the good tags are listed as before.
/// </summary>
[Tier(Tier.Registry)]
public sealed class OddModelTagTests : IAsyncLifetime
{
    private LocalRegistry _registry = null!;
    private readonly TempDirectory _dir = new("mg-odd-tags");
    private GeneratorDescription _generator = null!;

    private RegistryOptions Options => new() { InsecureRegistries = new HashSet<string> { _registry.Host } };

    public async Task InitializeAsync()
    {
        _registry = await LocalRegistry.StartAsync();
        var baseRef = await TestImages.PushBaseAsync(_registry.Host, "odd-base", "1");
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(_dir, "seed-example", _registry.Host));
        var built = await GeneratorBuild.RunAsync(new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = TestModels.WriteModelSource(_dir, manifest) },
            BaseImage = baseRef,
            Registry = Options,
        });
        using var client = new RegistryClient(Options);
        _generator = (await new GeneratorInspector(client).InspectAsync(built.Pushed[0].ToString())).Generator;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [NeedsToolsFact("docker-registry")]
    public async Task Odd_tags_are_flagged_and_the_good_ones_listed()
    {
        using var client = new RegistryClient(Options);
        var repo = client.Repository(_registry.Host, "example-generator/v3/grid-a");
        var layer = await UploadAsync(repo, Gzip(EmptyTar()));
        var diffId = Digest.Sha256(EmptyTar()).ToString();
        byte[] ImageConfig(string architecture, params (string Key, string Value)[] labels)
        {
            var labelObject = new JsonObject();
            foreach (var (key, value) in labels) labelObject[key] = value;
            return Encoding.UTF8.GetBytes(new JsonObject
            {
                ["architecture"] = architecture, ["os"] = "linux", ["config"] = new JsonObject { ["Labels"] = labelObject },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
            }.ToJsonString());
        }
        async Task<Descriptor> PutImageAsync(string reference, Descriptor config, Descriptor imageLayer, string? artifactType = null)
        {
            var node = new JsonObject
            {
                ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest,
                ["config"] = DescriptorJson(config), ["layers"] = new JsonArray(DescriptorJson(imageLayer)),
            };
            if (artifactType is not null) node["artifactType"] = artifactType;
            var bytes = Encoding.UTF8.GetBytes(node.ToJsonString());
            var digest = await repo.PutAsync(reference, bytes, MediaTypes.OciManifest);
            return new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = bytes.Length };
        }

        // Good: a model image with its labels, and one without any.
        await PutImageAsync("good", await UploadAsync(repo, ImageConfig("amd64", ("example-generator.v3.grid-a.good.CREATED", "2026-12-01T00:00:00Z")), MediaTypes.OciConfig), layer);
        await PutImageAsync("plain", await UploadAsync(repo, ImageConfig("amd64"), MediaTypes.OciConfig), layer);
        // An index whose only image is linux/arm64.
        var arm = await PutImageAsync("arm64-image", await UploadAsync(repo, ImageConfig("arm64"), MediaTypes.OciConfig), layer);
        var index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = arm.MediaType, ["digest"] = arm.Digest.ToString(), ["size"] = arm.Size,
                ["platform"] = new JsonObject { ["architecture"] = "arm64", ["os"] = "linux" },
            }),
        }.ToJsonString());
        await repo.PutAsync("arm64-only", index, MediaTypes.OciIndex);
        // An OCI artifact (oras push): the empty config, one plain file.
        var empty = await UploadAsync(repo, "{}"u8.ToArray(), "application/vnd.oci.empty.v1+json");
        await PutImageAsync("artifact", empty, await UploadAsync(repo, "hello\n"u8.ToArray(), "text/plain"), artifactType: "application/vnd.example.notes");
        // An image manifest whose config is not JSON.
        await PutImageAsync("not-json", await UploadAsync(repo, "this is not json"u8.ToArray(), MediaTypes.OciConfig), layer);
        // A Helm chart (helm push).
        var chartConfig = await UploadAsync(repo, """{"name":"grid","version":"0.1.0","apiVersion":"v2"}"""u8.ToArray(), "application/vnd.cncf.helm.config.v1+json");
        await PutImageAsync("chart", chartConfig, await UploadAsync(repo, Gzip(EmptyTar()), "application/vnd.cncf.helm.chart.content.v1.tar+gzip"));

        var models = await new GeneratorInspector(client).ListModelsAsync(_generator);

        Assert.Equal(["arm64-image", "arm64-only", "artifact", "chart", "good", "not-json", "plain"], models.Select(m => m.Tag));
        var byTag = models.ToDictionary(m => m.Tag);
        Assert.Null(byTag["good"].Problem);
        Assert.True(byTag["good"].HasModelLabels);
        Assert.Equal("2026-12-01T00:00:00Z", byTag["good"].Created);
        Assert.Null(byTag["plain"].Problem);
        Assert.False(byTag["plain"].HasModelLabels);
        Assert.Null(byTag["arm64-image"].Problem); // a single-platform arm64 manifest is read as the Model API reads it
        Assert.Contains("no variant for platform linux/amd64", byTag["arm64-only"].Problem);
        Assert.Contains("linux/arm64", byTag["arm64-only"].Problem);
        Assert.Contains("application/vnd.oci.empty.v1+json", byTag["artifact"].Problem ?? "(none)");
        Assert.Contains("invalid image config", byTag["not-json"].Problem);
        Assert.Contains("is not JSON", byTag["not-json"].Problem);
        Assert.Contains("Helm chart", byTag["chart"].Problem);

        var text = InspectionText.Render(new InspectionReport(await new GeneratorInspector(client).InspectAsync($"{_registry.Host}/example-generator:v3"), Models: models));
        Assert.Contains("warning: the Model API cannot read this tag: ", text);
    }

    private static async Task<Descriptor> UploadAsync(RegistryRepository repo, byte[] bytes, string mediaType = MediaTypes.OciLayerGzip)
    {
        var descriptor = new Descriptor { MediaType = mediaType, Digest = Digest.Sha256(bytes), Size = bytes.Length };
        await repo.UploadAsync(descriptor, _ => Task.FromResult<Stream>(new MemoryStream(bytes)));
        return descriptor;
    }

    private static JsonObject DescriptorJson(Descriptor d) => new() { ["mediaType"] = d.MediaType, ["digest"] = d.Digest.ToString(), ["size"] = d.Size };

    private static byte[] EmptyTar()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "data/"));
        return tar.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return gz.ToArray();
    }
}
