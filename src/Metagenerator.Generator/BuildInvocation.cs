using Metagenerator.Manifest;

namespace Metagenerator.Generator;

/// <summary>Everything a builder's argument list depends on: the manifest plus the values resolved for one generator run.</summary>
/// <remarks>Runtime and optional runtime parameter labels carry the manifest's <c>example</c>/<c>default</c> text, as
/// the original generator did: they describe what the model needs when it runs, so the build environment does not change them.</remarks>
public sealed record BuildInvocation
{
    /// <summary>The default model source directory inside a generator image.</summary>
    public const string DefaultContextDir = "/workspace/model-src";

    /// <summary>The default of <c>DOCKER_CONFIG</c> inside a generator image (where <c>config.json</c> is mounted).</summary>
    public const string DefaultDockerConfig = "/workspace";

    /// <summary>The validated manifest.</summary>
    public required GeneratorManifest Manifest { get; init; }

    /// <summary>The value used for each config key (environment when set, else the manifest default).</summary>
    public required IReadOnlyDictionary<string, string> ConfigValues { get; init; }

    /// <summary>The value used for each build parameter (environment when set, else the manifest default).</summary>
    public required IReadOnlyDictionary<string, string> BuildParameterValues { get; init; }

    /// <summary><c>MODEL_NAME</c>.</summary>
    public required string ModelName { get; init; }

    /// <summary><c>MODEL_TAG</c>.</summary>
    public required string ModelTag { get; init; }

    /// <summary><c>CREATED</c> as passed, or the time the script took.</summary>
    public required string Created { get; init; }

    /// <summary><c>MODEL_INFO</c>; the <c>info</c> label is written only when this is non-empty.</summary>
    public string ModelInfo { get; init; } = "";

    /// <summary><c>PUSH_RETRY</c> (decimal digits, as given).</summary>
    public string PushRetry { get; init; } = "1";

    /// <summary><c>VERBOSITY</c>: panic, fatal, error, warn, info, debug or trace.</summary>
    public string Verbosity { get; init; } = "info";

    /// <summary><c>MODEL_BUILD_CONTEXT</c>: the model source directory, the build context.</summary>
    public string ContextDir { get; init; } = DefaultContextDir;

    /// <summary><c>EXTRA_FLAGS</c>, split into words.</summary>
    public ExtraFlags ExtraFlags { get; init; } = ExtraFlags.None;

    /// <summary><c>BUILDKIT_HOST</c> (buildkit); empty means run <c>buildctl-daemonless.sh</c>.</summary>
    public string BuildKitHost { get; init; } = "";

    /// <summary><c>STORAGE_DRIVER</c> for buildah (default vfs, which works without privileges).</summary>
    public string StorageDriver { get; init; } = "vfs";

    /// <summary><c>BUILDAH_ISOLATION</c> for buildah (default chroot, which works without privileges).</summary>
    public string Isolation { get; init; } = "chroot";

    /// <summary>The registry credentials file given to buildah (<c>$DOCKER_CONFIG/config.json</c> when it exists), or empty.</summary>
    public string AuthFile { get; init; } = "";

    /// <summary>The value of a config key.</summary>
    public string Config(string key) => ConfigValues.TryGetValue(key, out var v) ? v : "";

    /// <summary>The model registry in use (may be empty: no registry prefix).</summary>
    public string ModelRegistry => Config("MODEL_REGISTRY");

    /// <summary>The host part of the model registry (before the first <c>/</c>).</summary>
    public string ModelRegistryHost
    {
        get
        {
            var r = ModelRegistry;
            var slash = r.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? r : r[..slash];
        }
    }

    /// <summary>The model image reference of CONTRACTS §1: <c>MODEL_REGISTRY/name/version/MODEL_NAME:MODEL_TAG</c>.</summary>
    public string Destination
    {
        get
        {
            var repo = $"{Manifest.Name}/{Manifest.Version}/{ModelName}:{ModelTag}";
            return ModelRegistry.Length > 0 ? $"{ModelRegistry}/{repo}" : repo;
        }
    }

    /// <summary>The model-image label prefix of CONTRACTS §3: <c>name.version.MODEL_NAME.MODEL_TAG.</c>.</summary>
    public string LabelPrefix => $"{Manifest.Name}.{Manifest.Version}.{ModelName}.{ModelTag}.";

    /// <summary>The model Dockerfile path: the context directory joined with <c>MODEL_DOCKERFILE</c>.</summary>
    public string DockerfilePath => ContextDir + "/" + Config("MODEL_DOCKERFILE");

    /// <summary>An invocation with every manifest default and the given reserved values.</summary>
    public static BuildInvocation FromManifest(GeneratorManifest manifest, string modelName, string modelTag, string created) => new()
    {
        Manifest = manifest,
        ConfigValues = manifest.Config.ToDictionary(c => c.Key, c => c.Value.Text, StringComparer.Ordinal),
        BuildParameterValues = manifest.BuildParameters.ToDictionary(p => p.Name, p => p.Value.Text, StringComparer.Ordinal),
        ModelName = modelName,
        ModelTag = modelTag,
        Created = created,
    };

    /// <summary>Resolves an invocation from environment variables exactly as the rendered script does (the C# twin of its
    /// first half); throws <see cref="GeneratorInputException"/> where the script would stop before building.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="environment">The environment; a key present with an empty value counts as set.</param>
    /// <param name="now">The current UTC time in the script's format, used when <c>CREATED</c> is empty.</param>
    /// <param name="fileExists">Whether a file exists (for <c>$DOCKER_CONFIG/config.json</c>).</param>
    public static BuildInvocation FromEnvironment(
        GeneratorManifest manifest,
        IReadOnlyDictionary<string, string> environment,
        Func<string> now,
        Func<string, bool> fileExists)
    {
        // The script's variables: the environment, plus the manifest default for each config key and build parameter
        // that is unset (so a config key such as BUILDKIT_HOST also feeds the builder settings, as in the script).
        var shell = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (var (key, value) in manifest.Config) shell.TryAdd(key, value.Text);
        foreach (var p in manifest.BuildParameters) shell.TryAdd(p.Name, p.Value.Text);
        string? Env(string name) => shell.TryGetValue(name, out var v) ? v : null;
        string EnvOr(string name, string fallback) => Env(name) is { Length: > 0 } v ? v : fallback;

        var modelName = Env("MODEL_NAME") ?? "";
        if (modelName.Length == 0)
            throw new GeneratorInputException("MODEL_NAME", GeneratorMessages.ModelNameMissing);
        if (!ModelNaming.IsValidModelName(modelName))
            throw new GeneratorInputException("MODEL_NAME", GeneratorMessages.ModelNameInvalid);
        var modelTag = Env("MODEL_TAG") ?? "";
        if (modelTag.Length == 0)
            throw new GeneratorInputException("MODEL_TAG", GeneratorMessages.ModelTagMissing);
        if (!ModelNaming.IsValidModelTag(modelTag))
            throw new GeneratorInputException("MODEL_TAG", GeneratorMessages.ModelTagInvalid);
        var pushRetry = EnvOr("PUSH_RETRY", "1");
        if (!ModelNaming.IsValidPushRetry(pushRetry))
            throw new GeneratorInputException("PUSH_RETRY", GeneratorMessages.PushRetryInvalid);
        var verbosity = EnvOr("VERBOSITY", "info");
        if (!ModelNaming.VerbosityLevels.Contains(verbosity))
            throw new GeneratorInputException("VERBOSITY", GeneratorMessages.VerbosityInvalid);

        var authFile = EnvOr("DOCKER_CONFIG", DefaultDockerConfig) + "/config.json";
        return new BuildInvocation
        {
            Manifest = manifest,
            ConfigValues = manifest.Config.ToDictionary(c => c.Key, c => shell[c.Key], StringComparer.Ordinal),
            BuildParameterValues = manifest.BuildParameters.ToDictionary(p => p.Name, p => shell[p.Name], StringComparer.Ordinal),
            ModelName = modelName,
            ModelTag = modelTag,
            Created = EnvOr("CREATED", "") is { Length: > 0 } c ? c : now(),
            ModelInfo = Env("MODEL_INFO") ?? "",
            PushRetry = pushRetry,
            Verbosity = verbosity,
            ContextDir = EnvOr("MODEL_BUILD_CONTEXT", DefaultContextDir),
            ExtraFlags = ExtraFlags.Parse(Env("EXTRA_FLAGS") ?? ""),
            BuildKitHost = Env("BUILDKIT_HOST") ?? "",
            StorageDriver = EnvOr("STORAGE_DRIVER", "vfs"),
            Isolation = EnvOr("BUILDAH_ISOLATION", "chroot"),
            AuthFile = fileExists(authFile) ? authFile : "",
        };
    }
}
