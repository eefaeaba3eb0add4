using System.Text.RegularExpressions;
using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Build.Tests;

/// <summary>
/// A first push into a repository without tags uploads the large layers while they are compressed (one PATCH with a
/// chunked body each, as the registry's access log shows), once each; a repository with tags gets the ordinary push,
/// so a version bump sends nothing another tag already holds; a registry that refuses chunked bodies still gets the
/// layer, after it is built. What was pushed is read back with skopeo and umoci.
/// </summary>
[Tier(Tier.Registry)]
public sealed class LayerStreamingTests : IClassFixture<PlainRegistryWithBase>, IAsyncDisposable
{
    // The registry is shared by the class: each test pushes to a repository of its own and counts only that
    // repository's lines of the access log. The refusing proxy is the test's own.
    private readonly LocalRegistry _registry;
    private readonly FaultProxy _proxy;
    private readonly string _base;

    public LayerStreamingTests(PlainRegistryWithBase shared)
    {
        _registry = shared.Registry;
        _proxy = FaultProxy.Start(_registry.Port);
        _base = $"{_registry.Host}/base:1";
    }

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    private sealed record Build(GeneratorBuildResult Result, List<string> Log, List<string> Debug, byte[] Weights)
    {
        public Oci.Digest LargeLayer => Result.NewLayers.Single(l => l.Contents.StartsWith("model source: large files", StringComparison.Ordinal)).Descriptor.Digest;
    }

    /// <summary>
    /// Builds the seed manifest as generator <paramref name="name"/> (so into that repository) at <paramref name="version"/>,
    /// with 3 MiB of weights (a large-file layer), pushing through <paramref name="host"/>.
    /// </summary>
    private Task<Build> BuildAsync(TempDirectory dir, string host, string name, string version) =>
        BuildAsync(dir, host, name, version, _base.Replace(_registry.Host, host), new RegistryOptions { InsecureRegistries = new HashSet<string> { host } });

    private static async Task<Build> BuildAsync(TempDirectory dir, string host, string name, string version, string baseImage, RegistryOptions options)
    {
        var manifest = ManifestLoader.Load(TestModels.WriteManifest(dir, "seed-example", host, version, name));
        var source = TestModels.WriteModelSource(dir, manifest);
        var weights = new byte[3 << 20];
        new Random(11).NextBytes(weights);
        Directory.CreateDirectory(Path.Combine(source, "weights"));
        await File.WriteAllBytesAsync(Path.Combine(source, "weights", "model.bin"), weights);

        var events = new RecordedEvents();
        var result = await GeneratorBuild.RunAsync(new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec { Manifest = manifest, ModelSource = source, Builder = BuilderKind.Buildah },
            BaseImage = baseImage,
            Registry = options,
        }, events);
        return new Build(result, [.. events.Infos], [.. events.Debugs], weights);
    }

    /// <summary>
    /// The registry's access-log lines for requests to <paramref name="repository"/> so far (other tests of the class
    /// push to other repositories of the same registry), once a marker request made now has been logged.
    /// </summary>
    private Task<string[]> AccessLogAsync(string repository) => AccessLogAsync(_registry, repository);

    private static async Task<string[]> AccessLogAsync(LocalRegistry registry, string repository)
    {
        var marker = $"log-marker-{Guid.NewGuid():N}";
        using var http = new HttpClient();
        using (await http.GetAsync($"http://{registry.Host}/v2/{marker}/tags/list")) { }
        for (var i = 0; i < 100 && !registry.Log.Contains(marker); i++) await Task.Delay(50);
        Assert.Contains(marker, registry.Log);
        return registry.Log.Split('\n').Where(line => line.Contains($" /v2/{repository}/", StringComparison.Ordinal)).ToArray();
    }

    private static int Count(string[] log, string method, string repository, string? digestHex = null) => log.Count(line =>
        line.Contains($"\"{method} /v2/{repository}/blobs/uploads/", StringComparison.Ordinal)
        && (digestHex is null || Regex.IsMatch(line, $"digest=sha256(%3A|:){digestHex}")));

    private async Task AssertWeightsArriveAsync(string reference, byte[] weights)
    {
        using var work = new TempDirectory("mg-streaming-unpack");
        var bundle = await ModelImageInspection.UnpackAsync(reference, work.Path, "generator");
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(bundle, "rootfs", "workspace", "model-src", "weights", "model.bin")));
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry")]
    public async Task A_first_push_uploads_the_large_layer_while_it_is_built_and_only_once()
    {
        const string repository = "streaming-first";
        using var dir = new TempDirectory("mg-streaming");
        var build = await BuildAsync(dir, _registry.Host, repository, "v3");

        // Said once per streamed layer: only the large one (the small-files layer holds under 1 MiB, so it is not streamed).
        Assert.Equal([$"uploading {LargeLayerContents(build)} to {_registry.Host}/{repository} while it is built (a new repository)"],
            build.Log.Where(l => l.StartsWith("uploading ", StringComparison.Ordinal)));
        var log = await AccessLogAsync(repository);
        // One chunked PATCH: the large layer's. The small layers (under 1 MiB) are uploaded once built, with one PUT each.
        Assert.Equal(1, Count(log, "PATCH", repository));
        Assert.Equal(1, Count(log, "PUT", repository, build.LargeLayer.Hex));
        Assert.DoesNotContain(build.Debug, d => d.Contains("failed", StringComparison.Ordinal));
        await AssertWeightsArriveAsync($"{_registry.Host}/{repository}:v3", build.Weights);
    }

    private static string LargeLayerContents(Build build) =>
        build.Result.NewLayers.Single(l => l.Descriptor.Digest == build.LargeLayer).Contents;

    [NeedsToolsFact("skopeo", "umoci", "docker-registry")]
    public async Task A_streaming_layer_says_how_much_it_has_sent_every_notice_interval()
    {
        const string repository = "streaming-notice";
        // Its digest is not known until it is built, so it has no progress bar: a line every WaitNoticeAfter instead.
        using var dir = new TempDirectory("mg-streaming-notice");
        var build = await BuildAsync(dir, _registry.Host, repository, "v3", _base, new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { _registry.Host },
            WaitNoticeAfter = TimeSpan.FromMilliseconds(1),
        });

        var pattern = $"^{Regex.Escape(LargeLayerContents(build))}: [0-9]+\\.[0-9] MiB sent to {Regex.Escape(_registry.Host)}/{repository} so far$";
        List<string> lines;
        lock (build.Log) lines = [.. build.Log];
        Assert.Contains(lines, l => Regex.IsMatch(l, pattern));
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "htpasswd")]
    public async Task A_registry_with_token_auth_takes_the_layer_while_it_is_built()
    {
        const string repository = "streaming-token";
        // The PATCH body cannot be sent twice, so it must carry the push token the upload's POST obtained.
        await using var issuer = TokenIssuer.Start();
        issuer.Users["builder"] = "s3cret-streaming";
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { TokenAuth = issuer.RegistryAuth });
        var auth = new SkopeoAuth(Username: "builder", Password: "s3cret-streaming");
        var baseRef = await TestImages.PushBaseAsync(registry.Host, "streaming-base", "1", auth);
        using var dir = new TempDirectory("mg-streaming-token");
        var auths = new System.Text.Json.Nodes.JsonObject
        {
            [registry.Host] = new System.Text.Json.Nodes.JsonObject { ["auth"] = Convert.ToBase64String("builder:s3cret-streaming"u8) },
        };
        var config = dir.WriteFile("docker/config.json", new System.Text.Json.Nodes.JsonObject { ["auths"] = auths }.ToJsonString());

        var build = await BuildAsync(dir, registry.Host, repository, "v3", baseRef, new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host },
            Credentials = new DockerConfigCredentials(config),
        });

        Assert.Contains($"uploading {LargeLayerContents(build)} to {registry.Host}/{repository} while it is built (a new repository)", build.Log);
        Assert.DoesNotContain(build.Debug, d => d.Contains("failed", StringComparison.Ordinal));
        var log = await AccessLogAsync(registry, repository);
        Assert.Equal(1, Count(log, "PATCH", repository));
        Assert.Equal(1, Count(log, "PUT", repository, build.LargeLayer.Hex));
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry")]
    public async Task A_repository_with_tags_gets_the_ordinary_push_so_a_version_bump_sends_no_layer_it_holds()
    {
        const string repository = "streaming-bump";
        using var first = new TempDirectory("mg-streaming-v1");
        var v1 = await BuildAsync(first, _registry.Host, repository, "v1");
        using var second = new TempDirectory("mg-streaming-v2");
        var v2 = await BuildAsync(second, _registry.Host, repository, "v2");

        Assert.Equal(v1.LargeLayer, v2.LargeLayer);
        Assert.DoesNotContain(v2.Log, l => l.Contains("while it is built", StringComparison.Ordinal));
        Assert.Contains($"{_registry.Host}/{repository} has tags: layers are uploaded once built, so one another tag already holds is not sent again", v2.Debug);
        var log = await AccessLogAsync(repository);
        Assert.Equal(1, Count(log, "PATCH", repository)); // v1's large layer only
        Assert.Equal(1, Count(log, "PUT", repository, v1.LargeLayer.Hex));
        await AssertWeightsArriveAsync($"{_registry.Host}/{repository}:v2", v2.Weights);
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry")]
    public async Task A_registry_that_refuses_chunked_bodies_gets_the_layer_once_it_is_built()
    {
        const string repository = "streaming-411";
        // The proxy answers 411 Length Required to any request with Transfer-Encoding, as some front ends do.
        using var dir = new TempDirectory("mg-streaming-411");
        var build = await BuildAsync(dir, _proxy.Host, repository, "v3");

        Assert.Contains(build.Debug, d => d.StartsWith($"uploading a layer to {_proxy.Host}/{repository} while it was built failed; it is uploaded once built instead:", StringComparison.Ordinal));
        var uploads = _proxy.Requests.Where(r => r.IsBlobUpload && r.Target.Contains(build.LargeLayer.Hex, StringComparison.Ordinal)).ToList();
        Assert.Single(uploads);
        Assert.Equal("PUT", uploads[0].Method);
        await AssertWeightsArriveAsync($"{_registry.Host}/{repository}:v3", build.Weights);
    }
}
