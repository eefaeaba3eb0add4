namespace Metagenerator.Manifest;

/// <summary>Which manifest schema of docs/contracts.md §6 a manifest uses.</summary>
public enum ManifestSchema
{
    /// <summary><c>parameters</c> are build parameters (<c>info</c> + <c>default</c>).</summary>
    Seed,

    /// <summary><c>generation_parameters</c> are build parameters; <c>parameters</c> (<c>info</c> + <c>example</c>) and <c>optional</c> (<c>info</c> + <c>default</c>) are runtime parameters.</summary>
    Extended,
}

/// <summary>A scalar exactly as written in the YAML source (<c>042</c> stays <c>042</c>), with where it was written.</summary>
public sealed record ManifestValue(string Text, int Line, int Column)
{
    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>A named parameter: a build, runtime or optional runtime parameter.</summary>
/// <param name="Name">An environment variable name.</param>
/// <param name="Info">The human description.</param>
/// <param name="Value">The <c>default</c> (build, optional) or <c>example</c> (runtime) value, as written.</param>
public sealed record ManifestParameter(string Name, string Info, ManifestValue Value);

/// <summary>A validated generator manifest (GENERATOR-MANIFEST.yml). Immutable.</summary>
public sealed record GeneratorManifest
{
    /// <summary>The generator name: the single top-level key, a valid repository path component without dots.</summary>
    public required string Name { get; init; }

    /// <summary>The generator version: a valid image tag without dots.</summary>
    public required string Version { get; init; }

    /// <summary>Which schema the manifest uses.</summary>
    public required ManifestSchema Schema { get; init; }

    /// <summary>The <c>config</c> map in manifest order (includes the three mandatory keys).</summary>
    public required IReadOnlyList<KeyValuePair<string, ManifestValue>> Config { get; init; }

    /// <summary>Build (generation) parameters in manifest order: seed <c>parameters</c> or extended <c>generation_parameters</c>.</summary>
    public required IReadOnlyList<ManifestParameter> BuildParameters { get; init; }

    /// <summary>Mandatory runtime parameters (extended <c>parameters</c>, value = <c>example</c>); empty for the seed schema.</summary>
    public required IReadOnlyList<ManifestParameter> RuntimeParameters { get; init; }

    /// <summary>Optional runtime parameters (extended <c>optional</c>, value = <c>default</c>); empty for the seed schema.</summary>
    public required IReadOnlyList<ManifestParameter> OptionalParameters { get; init; }

    /// <summary>Images listed under <c>build.cache</c>, for the kaniko warmer.</summary>
    public IReadOnlyList<string> BuildCache { get; init; } = [];

    /// <summary><c>build.builder</c>, when set: kaniko, buildah, buildkit or docker.</summary>
    public string? Builder { get; init; }

    /// <summary><c>build.base_image</c>, when set: the generator base image reference.</summary>
    public string? BaseImage { get; init; }

    /// <summary>The generator-image labels of docs/contracts.md §2 (plus the OCI title/version labels), in manifest order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; }

    /// <summary>The manifest file's exact bytes, which go into the image unchanged.</summary>
    public required ReadOnlyMemory<byte> SourceBytes { get; init; }

    /// <summary>The path the manifest was read from (for messages).</summary>
    public required string Path { get; init; }

    /// <summary>The value of a config key, or null when absent.</summary>
    public string? ConfigValue(string key)
    {
        foreach (var (k, v) in Config)
            if (k == key) return v.Text;
        return null;
    }

    /// <summary><c>config.GENERATOR_REGISTRY</c> (may be empty: no registry prefix).</summary>
    public string GeneratorRegistry => ConfigValue("GENERATOR_REGISTRY") ?? "";

    /// <summary><c>config.MODEL_REGISTRY</c> (may be empty: no registry prefix).</summary>
    public string ModelRegistry => ConfigValue("MODEL_REGISTRY") ?? "";

    /// <summary><c>config.MODEL_DOCKERFILE</c>, relative to the model source.</summary>
    public string ModelDockerfile => ConfigValue("MODEL_DOCKERFILE") ?? "Dockerfile";
}
