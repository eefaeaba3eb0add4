using System.Text;
using System.Text.Json;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// `metagenerator inspect` as a process against real registries, on generator images `metagenerator build` pushed (both
/// schemas): text and JSON output, label comparison with a local manifest (exit 4), model listing, and the same registry
/// access as `build` (config.json, TLS flags, EXTRA_FLAGS). Model images built by a real generator run are covered in
/// Metagenerator.Inspection.Tests (GeneratorInspectionTests); here they are labelled images made with umoci.
/// </summary>
[Tier(Tier.Registry)]
public sealed class InspectCommandTests : IClassFixture<InspectCommandTests.SharedRegistries>
{
    private const string Password = "inspect-Pa55word!";
    private const string Created = "2026-11-30T01:09:41.803560+00:00";
    private readonly LocalRegistry _plain;
    private readonly LocalRegistry _protected;
    private readonly TestCertificates _certs;
    private readonly TempDirectory _seed;
    private readonly TempDirectory _extended;
    private readonly string _seedDigest;

    public InspectCommandTests(SharedRegistries shared)
    {
        (_plain, _protected, _certs) = (shared.Plain, shared.Protected, shared.Certs);
        (_seed, _extended, _seedDigest) = (shared.Seed, shared.Extended, shared.SeedDigest);
    }

    private string Insecure => "--insecure-registry=" + _plain.Host;

    /// <summary>
    /// The registries and generator images every test of the class reads, made once: tests only read them or push
    /// under their own names (repositories and tags no other test reads), so they stay independent.
    /// </summary>
    public sealed class SharedRegistries : IAsyncLifetime
    {
        public TempDirectory State { get; private set; } = null!;
        public LocalRegistry Plain { get; private set; } = null!;
        public LocalRegistry Protected { get; private set; } = null!;
        public TestCertificates Certs { get; private set; } = null!;
        public TempDirectory Seed { get; private set; } = null!;
        public TempDirectory Extended { get; private set; } = null!;
        public string SeedDigest { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            State = new TempDirectory("mg-cli-inspect");
            Certs = await TestCertificates.CreateAsync(State.Combine("certs"));
            var htpasswd = await Htpasswd.WriteAsync(State.Combine("htpasswd"), new Dictionary<string, string> { ["alice"] = Password });
            Plain = await LocalRegistry.StartAsync();
            Protected = await LocalRegistry.StartAsync(new LocalRegistryOptions { Tls = Certs, HtpasswdPath = htpasswd });
            await TestImages.PushBaseAsync(Plain.Host, "base", "1");
            await TestImages.PushBaseAsync(Protected.Host, "base", "1", new SkopeoAuth(Certs.SkopeoCertDirectory, "alice", Password));

            var insecure = "--insecure-registry=" + Plain.Host;
            Seed = Workspace("seed-example", Plain.Host, "Dockerfile_model");
            SeedDigest = (await BuildAsync(Seed, $"{Plain.Host}/base:1", insecure)).Split('@')[1];
            Extended = Workspace("realworld-extended", Plain.Host, "Dockerfile");
            await BuildAsync(Extended, $"{Plain.Host}/base:1", insecure);
            await PushModelAsync(State, Plain.Host, "example-generator/v3/grid-a:v1", new Dictionary<string, string>
            {
                ["example-generator.v3.grid-a.v1.GRID_DATA"] = "/grid_data/other.json",
                ["example-generator.v3.grid-a.v1.CREATED"] = Created,
            });
        }

        public async Task DisposeAsync()
        {
            await Plain.DisposeAsync();
            await Protected.DisposeAsync();
            Seed.Dispose();
            Extended.Dispose();
            State.Dispose();
        }
    }

    /// <summary>A workspace with a fixture manifest (registries pointed at <paramref name="registry"/>) and its model Dockerfile.</summary>
    private static TempDirectory Workspace(string fixture, string registry, string dockerfile, string? modelRegistry = null)
    {
        var dir = new TempDirectory("mg-inspect-ws");
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", fixture, "GENERATOR-MANIFEST.yml"))
            .Replace("reformers-dev.ait.ac.at:8082", registry)
            .Replace("reformers-dev.ait.ac.at:8083", modelRegistry ?? registry);
        dir.WriteFile("GENERATOR-MANIFEST.yml", text);
        dir.WriteFile($"model-src/{dockerfile}", "FROM scratch\n");
        return dir;
    }

    /// <summary>Runs `metagenerator build` and returns the pushed REF@DIGEST.</summary>
    private static async Task<string> BuildAsync(TempDirectory workspace, string baseImage, params string[] flags)
    {
        var result = await CliRunner.RunAsync(workspace.Path, ["build", "--generator-base", baseImage, .. flags]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return result.StdOut.Trim().Split('\n')[^1];
    }

    /// <summary>A labelled image made with umoci from the test base, copied to HOST/REPOSITORY:TAG with skopeo.</summary>
    private static async Task PushModelAsync(TempDirectory state, string host, string repositoryAndTag, IReadOnlyDictionary<string, string> labels)
    {
        var layout = state.Combine("model-" + Guid.NewGuid().ToString("N"));
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", $"oci:{await TestImages.BaseLayoutAsync()}:{TestImages.BaseTag}", $"oci:{layout}:m"])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["config", "--image", $"{layout}:m", .. labels.SelectMany(l => new[] { "--config.label", $"{l.Key}={l.Value}" })])).EnsureSuccess();
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:m", $"docker://{host}/{repositoryAndTag}"])).EnsureSuccess();
    }

    private static void AssertNoSecret(ToolResult result)
    {
        var output = result.StdOut + result.StdErr;
        Assert.DoesNotContain(Password, output);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{Password}")), output);
        Assert.DoesNotContain("   at ", output);
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Text_output_shows_the_generator_as_the_model_api_sees_it()
    {
        var result = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/example-generator:v3", Insecure);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = result.StdOut.Split('\n');
        Assert.Equal("generator   example-generator:v3 (seed schema; labels under example-generator.v3.)", lines[0]);
        Assert.Contains($"digest      {_seedDigest}", lines);
        Assert.Contains("created     1970-01-01T00:00:01Z", lines);
        Assert.Contains(lines, l => l.StartsWith("base        1 layer below the generator layer (from the history build wrote)", StringComparison.Ordinal));
        Assert.Contains("build parameters", lines);
        Assert.Contains("  CONFIG_FILE", lines);
        Assert.Contains("    info: path to config file with default values", lines);
        Assert.Contains("    default: /config/config.yml", lines);
        Assert.Contains("  cache  [\"python:3.10\",\"python:3.10-slim\"]", lines);
        Assert.DoesNotContain("runtime parameters", result.StdOut);
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Json_output_of_an_extended_generator_has_every_section_for_scripts()
    {
        var result = await CliRunner.RunAsync(_extended.Path, "inspect", $"{_plain.Host}/reformers-dt-wind-gen-fc:v1", Insecure, "--format", "json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.Matches("^sha256:[0-9a-f]{64}$", root.GetProperty("digest").GetString());
        Assert.True(root.GetProperty("size").GetInt64() > 0);
        Assert.Equal("history", root.GetProperty("base").GetProperty("source").GetString());
        var generator = root.GetProperty("generator");
        Assert.Equal("extended", generator.GetProperty("schema").GetString());
        Assert.Equal(_plain.Host, generator.GetProperty("config").GetProperty("MODEL_REGISTRY").GetString());
        Assert.Equal("WindparkAlkmaar", generator.GetProperty("buildParameters").GetProperty("PARK_NAME").GetProperty("default").GetString());
        Assert.Equal("false", generator.GetProperty("runtimeParameters").GetProperty("KNOWLEDGE_GRAPH_ENABLED").GetProperty("example").GetString());
        Assert.Equal("endpoint of the knowledge graph database", generator.GetProperty("optionalParameters").GetProperty("KNOWLEDGE_GRAPH_ENDPOINT").GetProperty("info").GetString());
        Assert.Equal("[\"python:3.12-slim\"]", generator.GetProperty("build").GetProperty("cache").GetString());
        Assert.False(root.TryGetProperty("models", out _));
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Comparing_with_the_local_manifest_is_exit_0_when_equal_and_4_with_every_difference_listed()
    {
        var same = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/example-generator:v3", Insecure, "--manifest", "GENERATOR-MANIFEST.yml");
        Assert.True(same.ExitCode == 0, same.StdErr);
        Assert.Contains("labels: the registry's match GENERATOR-MANIFEST.yml", same.StdOut);

        var text = File.ReadAllText(_seed.Combine("GENERATOR-MANIFEST.yml")).Replace("/grid_data/grid.json", "/grid_data/new.json");
        _seed.WriteFile("changed.yml", text);
        var changed = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/example-generator:v3", Insecure, "--manifest", "changed.yml");
        Assert.Equal(4, changed.ExitCode);
        Assert.Contains("labels: 1 differs between the registry and changed.yml\n  example-generator.v3.parameters.GRID_DATA.default\n" +
                        "    registry: /grid_data/grid.json\n    local:    /grid_data/new.json\n", changed.StdOut);

        var json = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/example-generator:v3", Insecure, "--manifest", "changed.yml", "--format", "json");
        Assert.Equal(4, json.ExitCode);
        using var doc = JsonDocument.Parse(json.StdOut);
        var difference = Assert.Single(doc.RootElement.GetProperty("differences").EnumerateArray());
        Assert.Equal("/grid_data/grid.json", difference.GetProperty("registry").GetString());
        Assert.Equal("/grid_data/new.json", difference.GetProperty("local").GetString());
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Models_are_listed_with_their_tags_created_and_parameters()
    {
        var result = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/example-generator:v3", Insecure, "--models");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains($"models under {_plain.Host}/example-generator/v3/: 1 model(s), 1 image(s)\n  grid-a\n    v1  {_plain.Host}/example-generator/v3/grid-a:v1@sha256:", result.StdOut);
        Assert.Contains($"      CREATED  {Created}\n      build parameters\n        GRID_DATA  /grid_data/other.json\n", result.StdOut);

        var json = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/example-generator:v3", Insecure, "--models", "--format", "json");
        using var doc = JsonDocument.Parse(json.StdOut);
        var model = Assert.Single(doc.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal(Created, model.GetProperty("created").GetString());
        Assert.Equal("/grid_data/other.json", model.GetProperty("generationParameters").GetProperty("GRID_DATA").GetString());
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task A_model_registry_that_refuses_its_catalog_is_exit_3_naming_it()
    {
        using var ws = Workspace("seed-example", _plain.Host, "Dockerfile_model", modelRegistry: _protected.Host);
        ws.WriteFile("GENERATOR-MANIFEST.yml", File.ReadAllText(ws.Combine("GENERATOR-MANIFEST.yml")).Replace("version: v3", "version: v3-locked"));
        await BuildAsync(ws, $"{_plain.Host}/base:1", Insecure);

        var result = await CliRunner.RunAsync(ws.Path, "inspect", $"{_plain.Host}/example-generator:v3-locked", Insecure, "--models",
            "--registry-certificate", $"{_protected.Host}={_certs.CaCertificatePath}");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"registry {_protected.Host} refuses its catalog to these credentials (401)", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Exit_3_for_a_missing_or_unreadable_image_and_2_for_an_image_that_is_not_a_generator()
    {
        var missing = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/example-generator:v404", Insecure);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("no such image", missing.StdErr);

        var noLayout = await CliRunner.RunAsync(_seed.Path, "inspect", "oci:no-such-dir:v3");
        Assert.Equal(3, noLayout.ExitCode);
        Assert.Contains("no-such-dir", noLayout.StdErr);

        var notGenerator = await CliRunner.RunAsync(_seed.Path, "inspect", $"{_plain.Host}/base:1", Insecure);
        Assert.Equal(2, notGenerator.ExitCode);
        Assert.Contains($"error: {_plain.Host}/base:1 is not a generator image: it has no labels under base.1.", notGenerator.StdErr);

        foreach (var result in new[] { missing, noLayout, notGenerator }) AssertNoSecret(result);
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task An_oci_layout_written_by_build_is_inspected_like_the_registry_image()
    {
        var built = await CliRunner.RunAsync(_seed.Path, "build", "--generator-base", $"{_plain.Host}/base:1", Insecure, "--no-push", "--oci-layout", "out");
        Assert.True(built.ExitCode == 0, built.StdErr);

        var result = await CliRunner.RunAsync(_seed.Path, "inspect", "oci:out:v3", "--format", "json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal(_seedDigest, doc.RootElement.GetProperty("digest").GetString());
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Extra_flags_reach_inspect_as_they_reach_build()
    {
        var reference = $"{_plain.Host}/example-generator:v3";
        // The registry speaks plain HTTP: without a flag the client tries HTTPS and fails.
        var withoutFlag = await CliRunner.RunAsync(_seed.Path, "inspect", reference);
        Assert.Equal(3, withoutFlag.ExitCode);

        var withExtraFlags = await CliRunner.RunAsync(_seed.Path, new Dictionary<string, string?> { ["EXTRA_FLAGS"] = $"--insecure-registry {_plain.Host} --format json" }, "inspect", reference);
        Assert.True(withExtraFlags.ExitCode == 0, withExtraFlags.StdErr);
        using (JsonDocument.Parse(withExtraFlags.StdOut)) { }

        var unknown = await CliRunner.RunAsync(_seed.Path, new Dictionary<string, string?> { ["EXTRA_FLAGS"] = "--cache=true" }, "inspect", reference);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--cache=true", unknown.StdErr);
        Assert.Contains("EXTRA_FLAGS", unknown.StdErr);
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task A_tls_registry_with_htpasswd_is_read_with_the_ca_and_the_working_directory_config_json()
    {
        using var ws = Workspace("seed-example", _protected.Host, "Dockerfile_model");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{Password}"));
        ws.WriteFile("config.json", "{\"auths\": {\"" + _protected.Host + "\": {\"auth\": \"" + auth + "\"}}}");
        var certificate = $"{_protected.Host}={_certs.CaCertificatePath}";
        await BuildAsync(ws, $"{_protected.Host}/base:1", "--registry-certificate", certificate);

        var ok = await CliRunner.RunAsync(ws.Path, "inspect", $"{_protected.Host}/example-generator:v3", "--registry-certificate", certificate, "--verbosity", "trace");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.StartsWith("generator   example-generator:v3", ok.StdOut);
        AssertNoSecret(ok);

        File.Delete(ws.Combine("config.json"));
        var noCredentials = await CliRunner.RunAsync(ws.Path, "inspect", $"{_protected.Host}/example-generator:v3", "--registry-certificate", certificate);
        Assert.Equal(3, noCredentials.ExitCode);
        Assert.Contains(_protected.Host, noCredentials.StdErr);

        var noCa = await CliRunner.RunAsync(ws.Path, "inspect", $"{_protected.Host}/example-generator:v3");
        Assert.Equal(3, noCa.ExitCode);
        Assert.Contains("--registry-certificate", noCa.StdErr);
    }

    [NeedsToolsFact("skopeo", "umoci", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Local_mistakes_are_exit_2_before_any_registry_call()
    {
        var unreachable = $"127.0.0.1:{FreePort.Next()}/example-generator:v3";
        _seed.WriteFile("broken.yml", "Bad:\n  version: v1\n");
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["inspect", unreachable, "--manifest", "broken.yml", "--insecure"], "broken.yml"),
            (["inspect", unreachable, "--format", "yaml"], "yaml"),
            (["inspect", "Bad/Name:1"], "Bad/Name"),
            (["inspect", "oci:"], "oci:"),
            (["inspect"], "REF"),
        })
        {
            var result = await CliRunner.RunAsync(_seed.Path, args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)} → {result.ExitCode}: {result.StdErr}");
            Assert.Contains(expected, result.StdErr);
        }
    }
}
