using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// Issue 20 point 4: a rebuild never trusts the destination's config. Someone who can push swaps the top layer of the
/// current tag for other content and keeps the config (whose diff_ids then lie); the next unchanged rebuild must not
/// republish the planted layer. Against a real docker-registry.
/// </summary>
[Tier(Tier.Registry)]
public sealed class DestinationLayerProofTests(PlainRegistryWithBase shared) : IClassFixture<PlainRegistryWithBase>
{
    [NeedsToolsFact("docker-registry")]
    public async Task A_swapped_top_layer_with_the_config_kept_is_rebuilt_not_republished()
    {
        using var ws = new RebuildWorkspace(shared, "proof-swapped-top");
        var first = await ws.BuildAsync();
        var destination = Assert.Single(first.Pushed);
        var planted = await PlantTopLayerAsync(ws, destination);

        var second = await ws.BuildAsync();

        Assert.False(second.NewLayers[^1].Reused);
        Assert.NotEqual(planted, second.NewLayers[^1].Descriptor.Digest);
        Assert.Equal(first.Digest, second.Digest);
        using var client = new RegistryClient(ws.Options);
        var tagged = await client.Repository(destination.Registry, destination.Repository).GetAsync(destination.Tag!);
        Assert.Equal(first.Digest, tagged.Digest);
        await AssertDiffIdsMatchLayersAsync(client, destination);
    }

    [NeedsToolsFact("docker-registry")]
    public async Task An_unchanged_rebuild_reuses_the_layers_its_records_prove()
    {
        using var ws = new RebuildWorkspace(shared, "proof-records-reuse");
        var first = await ws.BuildAsync();

        var second = await ws.BuildAsync();

        Assert.Equal(first.Digest, second.Digest);
        Assert.All(second.NewLayers, l => Assert.True(l.Reused));
    }

    [NeedsToolsFact("docker-registry")]
    public async Task Without_records_nothing_is_reused_and_the_image_is_the_same()
    {
        using var ws = new RebuildWorkspace(shared, "proof-no-records");
        var first = await ws.BuildAsync();
        var debug = new RecordedEvents();

        var second = await ws.BuildAsync(ws.Request with { LayerRecordDirectory = ws.Dir.Combine("no-records") }, debug);

        Assert.Equal(first.Digest, second.Digest);
        Assert.DoesNotContain(second.NewLayers, l => l.Reused);
        Assert.Contains(debug.Debugs, l => l.Contains("no record of building it here"));
    }

    [NeedsToolsFact("docker-registry")]
    public async Task Records_inside_the_model_source_are_not_used_so_the_image_does_not_change()
    {
        using var ws = new RebuildWorkspace(shared, "proof-records-inside");
        var request = ws.Request with { LayerRecordDirectory = Path.Combine(ws.Source, ".cache", "metagenerator", "layers") };
        var first = await ws.BuildAsync(request);

        var second = await ws.BuildAsync(request);

        Assert.False(Directory.Exists(Path.Combine(ws.Source, ".cache")));
        Assert.Equal(first.Digest, second.Digest);
    }

    /// <summary>Replaces the tag's top layer by a gzip tar with other content; the config (and its diff_ids) stays. Returns the planted blob's digest.</summary>
    private static async Task<Digest> PlantTopLayerAsync(RebuildWorkspace ws, ImageReference reference)
    {
        using var client = new RegistryClient(ws.Options);
        var repository = client.Repository(reference.Registry, reference.Repository);
        var imageManifest = OciJson.ParseManifest((await repository.GetAsync(reference.Digest!.Value.ToString())).Bytes);
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "workspace/generator.sh") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("#!/bin/sh\necho planted\n")) };
            writer.WriteEntry(entry);
        }
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tar.ToArray());
        var bytes = gz.ToArray();
        var top = imageManifest.Layers[^1];
        var planted = top with { Digest = Digest.Sha256(bytes), Size = bytes.Length };
        await repository.UploadAsync(planted, _ => Task.FromResult<Stream>(new MemoryStream(bytes)));
        var layers = imageManifest.Layers.ToList();
        layers[^1] = planted;
        await repository.PutAsync(reference.Tag!, OciJson.Serialize(imageManifest with { Layers = layers }), imageManifest.MediaType);
        return planted.Digest;
    }

    /// <summary>Every layer the tag lists, decompressed and hashed, has the diffID its config claims.</summary>
    private static async Task AssertDiffIdsMatchLayersAsync(RegistryClient client, ImageReference reference)
    {
        var repository = client.Repository(reference.Registry, reference.Repository);
        var imageManifest = OciJson.ParseManifest((await repository.GetAsync(reference.Tag!)).Bytes);
        var diffIds = JsonNode.Parse(await repository.ReadAsync(imageManifest.Config))!["rootfs"]!["diff_ids"]!.AsArray();
        Assert.Equal(imageManifest.Layers.Count, diffIds.Count);
        for (var i = 0; i < diffIds.Count; i++)
        {
            await using var gzip = new GZipStream(new MemoryStream(await repository.ReadAsync(imageManifest.Layers[i])), CompressionMode.Decompress);
            var plain = new MemoryStream();
            await gzip.CopyToAsync(plain);
            Assert.Equal(diffIds[i]!.GetValue<string>(), Digest.Sha256(plain.ToArray()).ToString());
        }
    }
}
