using Metagenerator.TestSupport;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// Generator images as the Model API runs them (docs/contracts.md §7): built and pushed by the metagenerator image, then
/// <c>docker run --rm</c> with no command, the Model API's environment and the credentials mounted read-only.
/// </summary>
internal sealed class GeneratorRuns(EngineFixture fixture)
{
    /// <summary>Python's <c>datetime.now(timezone.utc).isoformat()</c>, as the Model API sends it.</summary>
    public const string Created = "2026-11-30T01:09:41.803560+00:00";

    /// <summary>What the Model API puts in EXTRA_FLAGS when it does not verify TLS.</summary>
    public const string ModelApiExtraFlags = "--skip-tls-verify --cache=true";

    public const string ModelInfo = "grid model A, engine test";

    /// <summary>
    /// The least a buildah-based generator needs beyond the Model API's plain run (BuildahPrivilegeTests finds it):
    /// the default seccomp profile refuses the user namespace buildah creates for its RUN steps.
    /// </summary>
    public static readonly string[] BuildahLeastPrivilege = ["--security-opt", "seccomp=unconfined"];

    /// <summary>Writes a workspace for <paramref name="builder"/> on <paramref name="generatorBase"/> and pushes its generator image with the metagenerator image.</summary>
    public async Task<ModelWorkspace> PushGeneratorAsync(string name, string builder, string generatorBase)
    {
        await fixture.MetageneratorImageAsync();
        var ws = new ModelWorkspace(fixture.Registry.Host, name, "v1", builder, generatorBase, await fixture.ModelBaseAsync());
        ws.AddConfigJson(fixture.ConfigJson);
        var build = await fixture.RunAsync(["-v", $"{ws.Path}:/workspace", "-v", $"{fixture.CaBundle}:/etc/ssl/certs/ca-certificates.crt:ro",
            EngineFixture.MetageneratorImage]);
        Assert.True(build.ExitCode == 0, build.StdErr);
        return ws;
    }

    /// <summary>
    /// The Model API's <c>docker run</c>: <paramref name="containerOptions"/> are what the builder needs on top (a socket
    /// or privileges); <paramref name="environment"/> overrides or adds variables (null removes one); no config when
    /// <paramref name="config"/> is null.
    /// </summary>
    public Task<ToolResult> RunLikeModelApiAsync(ModelWorkspace ws, IEnumerable<string> containerOptions,
        IReadOnlyDictionary<string, string?>? environment = null, string? config = "")
    {
        var env = new Dictionary<string, string?>
        {
            ["MODEL_NAME"] = "grid-a",
            ["MODEL_TAG"] = "v1",
            ["CREATED"] = Created,
            ["EXTRA_FLAGS"] = ModelApiExtraFlags,
            ["GRID_DATA"] = "/grid_data/other.json", // a build parameter override
            ["MODEL_INFO"] = ModelInfo,
        };
        if (environment is not null)
            foreach (var (k, v) in environment) env[k] = v;
        var args = new List<string>(containerOptions);
        foreach (var (k, v) in env)
            if (v is not null) args.AddRange(["-e", $"{k}={v}"]);
        if (config is not null) args.AddRange(["-v", $"{(config.Length == 0 ? fixture.ConfigJson : config)}:/workspace/config.json:ro"]);
        args.Add(ws.GeneratorImage);
        return fixture.RunAsync(args);
    }

    /// <summary>Checks the model image in the registry: destination, every label of docs/contracts.md §3, CREATED verbatim, build arguments inside.</summary>
    public async Task AssertModelImageAsync(ModelWorkspace ws, string modelName = "grid-a", string modelTag = "v1")
    {
        var destination = $"{ws.Registry}/{ws.GeneratorName}/{ws.Version}/{modelName}:{modelTag}";
        var labels = await RegistryInspection.LabelsAsync(destination);
        var prefix = $"{ws.GeneratorName}.{ws.Version}.{modelName}.{modelTag}.";
        var expected = new Dictionary<string, string>
        {
            [prefix + "GRID_DATA"] = "/grid_data/other.json",
            [prefix + "INPUT_STREAM"] = "reformers.metering_data.DUMMY1",
            [prefix + "CREATED"] = Created,
            [prefix + "parameters.KNOWLEDGE_GRAPH_ENABLED"] = "false",
            [prefix + "parameters.optional.LOG_LEVEL"] = "INFO",
            [prefix + "info"] = ModelInfo,
        };
        Assert.Equal(expected.OrderBy(p => p.Key), labels.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? "")).OrderBy(p => p.Key));

        // The build arguments as the model's RUN step saw them, read by running the model image in the engine.
        var show = await fixture.RunAsync([destination, "sh", "-c",
            "for f in GRID_DATA INPUT_STREAM MODEL GENERATOR_NAME; do printf '%s=%s\\n' $f \"$(cat /out/$f)\"; done"]);
        Assert.True(show.ExitCode == 0, show.StdErr);
        Assert.Equal($"GRID_DATA=/grid_data/other.json\nINPUT_STREAM=reformers.metering_data.DUMMY1\nMODEL={modelName}:{modelTag}\nGENERATOR_NAME={ws.GeneratorName}\n", show.StdOut);
    }
}
