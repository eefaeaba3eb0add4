using System.Text.Json;
using Metagenerator.TestSupport;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// kaniko generators in the engine: workspaces on the kaniko stand-in (the real executor and warmer) built and pushed
/// by the metagenerator image, run as the Model API runs them, and the model images they push read back with skopeo.
/// </summary>
internal sealed class KanikoRuns(EngineFixture fixture)
{
    /// <summary>A model Dockerfile beside the good one that fails in its RUN step (selected with MODEL_DOCKERFILE).</summary>
    public const string BrokenDockerfile = "Dockerfile_broken";

    /// <summary>What the broken Dockerfile's RUN step prints before it fails with exit 3.</summary>
    public const string BrokenMarker = "model build step fails on purpose";

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static readonly Dictionary<string, ModelWorkspace> Shared = []; // by registry: one per engine the collections share

    /// <summary>
    /// The engine tests' extended-schema workspace (<see cref="ModelWorkspace"/>) on the kaniko stand-in, with
    /// <c>build.cache</c> naming the model base in the TLS registry and a second, broken model Dockerfile; built and
    /// pushed once per engine (the collections share one). Its directory is removed after the push: only its names are used.
    /// </summary>
    public async Task<ModelWorkspace> SharedGeneratorAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (Shared.TryGetValue(fixture.Registry.Host, out var done)) return done;
            var ws = new ModelWorkspace(fixture.Registry.Host, "kaniko-gen", "v1", "kaniko", await fixture.KanikoBaseAsync(), await fixture.ModelBaseAsync());
            var manifest = ws.Combine("GENERATOR-MANIFEST.yml");
            var text = await File.ReadAllTextAsync(manifest);
            Assert.Contains("cache: [\"python:3.10\"]", text); // ModelWorkspace's; an image this machine cannot pull
            await File.WriteAllTextAsync(manifest, text.Replace("cache: [\"python:3.10\"]", $"cache: [\"{await fixture.ModelBaseAsync()}\"]"));
            await File.WriteAllTextAsync(ws.Combine("model-src", BrokenDockerfile),
                $"FROM {await fixture.ModelBaseAsync()}\nRUN printf '%s\\n' '{BrokenMarker}' && exit 3\n");
            ws.AddConfigJson(fixture.ConfigJson);
            await PushGeneratorAsync(ws.Path);
            ws.Dispose();
            Shared[fixture.Registry.Host] = ws;
            return ws;
        }
        finally { SharedGate.Release(); }
    }

    /// <summary><c>metagenerator build</c> of <paramref name="workspace"/> by the metagenerator image (its defaults: the
    /// workspace's manifest, model-src and config.json), trusting the registry's CA.</summary>
    public async Task PushGeneratorAsync(string workspace)
    {
        await fixture.MetageneratorImageAsync();
        var build = await fixture.RunAsync(["-v", $"{workspace}:/workspace", "-v", $"{fixture.CaBundle}:/etc/ssl/certs/ca-certificates.crt:ro",
            EngineFixture.MetageneratorImage]);
        Assert.True(build.ExitCode == 0, build.StdOut + build.StdErr);
    }

    /// <summary>
    /// The Model API's pull and run of <paramref name="generatorImage"/> (docs/contracts.md §7: no command, unprivileged, config.json
    /// mounted read-only, CREATED with microseconds, EXTRA_FLAGS <c>--skip-tls-verify --cache=true</c>) with
    /// <paramref name="environment"/> on top (null removes a variable), <paramref name="containerOptions"/> before the
    /// image (a cache volume), and <paramref name="config"/> instead of the user's credentials when given.
    /// </summary>
    public Task<ToolResult> RunLikeModelApiAsync(string generatorImage, IReadOnlyDictionary<string, string?> environment,
        IEnumerable<string>? containerOptions = null, string? config = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "grid-a",
            ["MODEL_TAG"] = "v1",
            ["CREATED"] = GeneratorRuns.Created,
            ["EXTRA_FLAGS"] = GeneratorRuns.ModelApiExtraFlags,
        };
        foreach (var (k, v) in environment) env[k] = v;
        // The Model API pulls the generator image before it runs it: a tag pushed again (two tests build generators of
        // the same name) must not run from the engine's older copy.
        var args = new List<string> { "--pull", "always" };
        args.AddRange(containerOptions ?? []);
        foreach (var (k, v) in env)
            if (v is not null) args.AddRange(["-e", $"{k}={v}"]);
        args.AddRange(["-v", $"{config ?? fixture.ConfigJson}:/workspace/config.json:ro", generatorImage]);
        return fixture.RunAsync(args);
    }

    /// <summary>The labels of <paramref name="reference"/> that start with <paramref name="prefix"/>, sorted by key.</summary>
    public static async Task<List<KeyValuePair<string, string>>> LabelsUnderAsync(string reference, string prefix) =>
        (await RegistryInspection.LabelsAsync(reference)).Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? "")).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    /// <summary>The manifest digest of <paramref name="reference"/> in the registry (<c>sha256:…</c>).</summary>
    public static async Task<string> DigestAsync(string reference)
    {
        var inspect = (await ExternalTool.RunAsync("skopeo", ["inspect", "--tls-verify=false",
            $"--creds={EngineFixture.User}:{EngineFixture.Password}", "docker://" + reference])).EnsureSuccess();
        using var json = JsonDocument.Parse(inspect.StdOut);
        return json.RootElement.GetProperty("Digest").GetString()!;
    }

    /// <summary>Every path in every layer of <paramref name="reference"/>, copied out of the registry with skopeo and
    /// listed with GNU tar (whiteouts included, as <c>.wh.</c> names).</summary>
    public static async Task<List<string>> LayerPathsAsync(string reference)
    {
        using var dir = new TempDirectory("mg-kaniko-layers");
        var copy = dir.Combine("image");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--src-tls-verify=false",
            $"--src-creds={EngineFixture.User}:{EngineFixture.Password}", "docker://" + reference, "dir:" + copy])).EnsureSuccess();
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(copy, "manifest.json")));
        var paths = new List<string>();
        foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            var blob = Path.Combine(copy, layer.GetProperty("digest").GetString()!.Split(':')[1]);
            var list = (await ExternalTool.RunAsync("tar", ["-tzf", blob])).EnsureSuccess();
            paths.AddRange(list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        return paths;
    }

    /// <summary>Fails when a layer of the model image holds anything of the generator image: its script, manifest, model
    /// source, credentials or kaniko itself (kaniko builds inside the generator's container and must leave it out).</summary>
    public static async Task AssertNoGeneratorFilesAsync(string reference)
    {
        var paths = await LayerPathsAsync(reference);
        Assert.NotEmpty(paths);
        string[] generatorFiles = ["workspace/", "GENERATOR-MANIFEST.yml", "kaniko/", "busybox/", "cache/", "config.json", "generator.sh"];
        var leaked = paths.Select(p => p.TrimStart('.', '/')).Where(p => generatorFiles.Any(g => p.StartsWith(g, StringComparison.Ordinal) || p.EndsWith("/" + g, StringComparison.Ordinal))).ToList();
        Assert.True(leaked.Count == 0, "generator files in the model image: " + string.Join(", ", leaked));
    }
}
