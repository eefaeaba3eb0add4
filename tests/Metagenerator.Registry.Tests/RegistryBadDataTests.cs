using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>What a registry or token server sends is bounded and checked: bad data is a registry error naming the image, never a crash.</summary>
[Tier(Tier.Registry)]
public sealed class RegistryBadDataTests : IAsyncLifetime
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    private LocalRegistry _registry = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _registry = await LocalRegistry.StartAsync();
        _proxy = FaultProxy.Start(_registry.Port);
        await TestImages.PushBaseAsync(_registry.Host);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _registry.DisposeAsync();
    }

    private RegistryClient Client() => new(new RegistryOptions { InsecureRegistries = new HashSet<string> { _proxy.Host, _registry.Host } });

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_layer_that_does_not_match_its_digest_is_a_registry_error_naming_the_image()
    {
        using var client = Client();
        var image = await new RegistryImageSource(client).ReadImageAsync($"{_registry.Host}/base:1", Platform.LinuxAmd64);
        CorruptStoredBlob(image.Layers[0].Descriptor.Digest);

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
        {
            await using var blob = await image.Layers[0].OpenCompressedAsync();
            await blob.CopyToAsync(Stream.Null);
        });

        Assert.Contains($"{_registry.Host}/base", e.Message);
        Assert.Contains("digest", e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_corrupt_layer_streamed_to_another_registry_is_reported_against_its_source()
    {
        await using var other = await LocalRegistry.StartAsync();
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = new HashSet<string> { _registry.Host, other.Host } });
        var image = await new RegistryImageSource(client).ReadImageAsync($"{_registry.Host}/base:1", Platform.LinuxAmd64);
        CorruptStoredBlob(image.Layers[0].Descriptor.Digest);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{other.Host}/copy:1"]));

        Assert.Contains($"reading blob {image.Layers[0].Descriptor.Digest.Algorithm}:{image.Layers[0].Descriptor.Digest.Short}… from {_registry.Host}/base", e.Message);
        Assert.Contains("digest", e.Message);
        Assert.False(e.IsTransient);
    }

    private void CorruptStoredBlob(Digest digest)
    {
        var stored = Path.Combine(_registry.StorageDirectory, "docker/registry/v2/blobs/sha256", digest.Hex[..2], digest.Hex, "data");
        var bytes = File.ReadAllBytes(stored);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(stored, bytes);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_manifest_with_a_null_layer_is_a_registry_error()
    {
        using var client = Client();
        var manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2},"layers":[null]}""";
        _proxy.Inject(r => r.Path.Contains("/manifests/"), new Fault.Respond(200, manifest, new Dictionary<string, string> { ["Content-Type"] = MediaTypes.OciManifest }));

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync($"{_proxy.Host}/base:1", Platform.LinuxAmd64));

        Assert.Contains($"{_proxy.Host}/base:1", e.Message);
        Assert.Contains("layers[0]", e.Message);
    }

    [NeedsToolsTheory("docker-registry", "skopeo")]
    [InlineData("Env", "[1]", "config.Env")]
    [InlineData("Labels", "{\"a\":2}", "config.Labels")]
    public async Task A_config_with_wrongly_typed_fields_is_a_registry_error_naming_the_field(string field, string json, string path)
    {
        using var client = Client();
        var reference = await PushWithConfigAsync(client, $"bad{field.ToLowerInvariant()}", config => config["config"]![field] = JsonNode.Parse(json));

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync(reference, Platform.LinuxAmd64));

        Assert.Contains(reference, e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_config_whose_diff_ids_are_not_digests_is_a_registry_error()
    {
        using var client = Client();
        var reference = await PushWithConfigAsync(client, "baddiffid", config => config["rootfs"]!["diff_ids"]!.AsArray()[^1] = 42);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync(reference, Platform.LinuxAmd64));

        Assert.Contains("rootfs.diff_ids[0]", e.Message);
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_token_answer_that_never_ends_is_cut_off_at_the_limit()
    {
        await using var issuer = TokenIssuer.Start();
        await using var realm = FaultProxy.Start(issuer.Port);
        var auth = issuer.RegistryAuth with { Realm = $"http://{realm.Host}/token" };
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { TokenAuth = auth });
        using var dir = new TempDirectory("mg-bigtoken");
        var config = TestConfig.WriteAuth(dir, registry.Host, "u", "pw-big-token-1");
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host, realm.Host },
            Credentials = new DockerConfigCredentials(config),
        });
        realm.Inject(_ => true, new Fault.EndlessBody(200), times: 10);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(registry.Host, "base").GetAsync("1").WaitAsync(HangGuard));

        Assert.Contains("token", e.Message);
        Assert.Contains("more than", e.Message);
    }

    /// <summary>Pushes the base image again under a tag, with its config changed by <paramref name="edit"/> (the registry does not look inside configs).</summary>
    private async Task<string> PushWithConfigAsync(RegistryClient client, string tag, Action<JsonObject> edit)
    {
        var image = await new RegistryImageSource(client).ReadImageAsync($"{_registry.Host}/base:1", Platform.LinuxAmd64);
        var config = JsonNode.Parse(image.ConfigBytes.Span)!.AsObject();
        edit(config);
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var descriptor = image.Manifest.Config with { Digest = Digest.Sha256(configBytes), Size = configBytes.Length };
        await client.Repository(_registry.Host, "base").UploadAsync(descriptor, _ => Task.FromResult<Stream>(new MemoryStream(configBytes)));
        var manifest = OciJson.Serialize(image.Manifest with { Config = descriptor });
        await client.Repository(_registry.Host, "base").PutAsync(tag, manifest, image.Manifest.MediaType);
        return $"{_registry.Host}/base:{tag}";
    }
}
