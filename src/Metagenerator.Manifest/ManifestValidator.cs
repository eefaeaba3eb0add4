using Metagenerator.Manifest.Yaml;
using static Metagenerator.Manifest.ManifestRules;

namespace Metagenerator.Manifest;

/// <summary>Validates a parsed manifest tree into a <see cref="GeneratorManifest"/>, collecting every problem.</summary>
internal sealed class ManifestValidator(string file, List<ManifestError> errors)
{
    internal const string Version = "version";
    internal const string Config = "config";
    internal const string Parameters = "parameters";
    internal const string GenerationParameters = "generation_parameters";
    internal const string Optional = "optional";
    internal const string Build = "build";

    private static readonly string[] SeedKeys = [Version, Config, Parameters, Build];
    private static readonly string[] ExtendedKeys = [Version, Config, GenerationParameters, Parameters, Optional, Build];

    private enum ParameterKind { Build, Runtime, Optional }

    /// <summary>Every environment name defined so far, with where (config keys and parameters share one namespace).</summary>
    private readonly Dictionary<string, (string Path, int Line)> names = new(StringComparer.Ordinal);

    /// <summary>After this many errors the rest of the file is not examined: nobody reads more, and it bounds the work.</summary>
    internal const int MaxErrors = SourceDocumentReader.MaxErrors;

    private bool Full => errors.Count >= MaxErrors;

    private void Error(SourceNode at, string path, string message)
    {
        if (!Full) errors.Add(new(file, at.Line, at.Column, path, message));
    }

    private static string Join(string parent, string key) => SourceDocumentReader.JoinPath(parent, key);

    /// <summary>Validates; returns null when any error was added.</summary>
    public GeneratorManifest? Validate(SourceNode root, ReadOnlyMemory<byte> sourceBytes)
    {
        var errorsBefore = errors.Count;
        if (root is SourceScalar { IsNullLike: true })
        {
            Error(root, "(root)", "the manifest is empty; it needs one top-level key, the generator name, holding version and config");
            return null;
        }
        if (root is not SourceMapping top || top.Entries.Count == 0)
        {
            Error(root, "(root)", $"the manifest is {(root is SourceMapping ? "an empty map" : root.Kind)}; it must be a map with one key, the generator name (e.g. 'my-generator:'), with version, config and parameters indented under it");
            return null;
        }

        var (nameKey, bodyNode) = top.Entries[0];
        var name = nameKey.Text;
        if (ExtendedKeys.Contains(name))
        {
            Error(nameKey, name, $"'{Show(name)}' is at the top level, but the only top-level key must be the generator name, with {string.Join(", ", SeedKeys)} indented under it");
            return null;
        }
        foreach (var (extraKey, _) in top.Entries.Skip(1))
        {
            if (Full) break;
            var indent = ExtendedKeys.Contains(extraKey.Text) ? $"; indent '{Show(extraKey.Text)}' under '{Show(name)}'" : "";
            Error(extraKey, extraKey.Text, $"a second top-level key; a manifest has exactly one, the generator name ('{Show(name)}'){indent}");
        }
        if (CheckGeneratorName(name) is { } nameError) Error(nameKey, name, nameError);

        if (bodyNode is SourceScalar { IsNullLike: true })
        {
            Error(nameKey, name, $"'{Show(name)}' is empty; it must hold version and config (and parameters, build)");
            return null;
        }
        if (bodyNode is not SourceMapping body)
        {
            Error(bodyNode, name, $"'{Show(name)}' holds {bodyNode.Kind}; it must be a map holding version, config, parameters and build");
            return null;
        }

        // generation_parameters selects the extended schema; a misspelling of it still does, so that
        // 'parameters' is judged as the author meant and only the misspelling is reported.
        var extended = body.Entries.Any(e => e.Key.Text == GenerationParameters
            || (!ExtendedKeys.Contains(e.Key.Text) && Hints.Suggest(e.Key.Text, ExtendedKeys) == GenerationParameters));
        var allowed = extended ? ExtendedKeys : SeedKeys;

        string? version = null;
        var config = new List<KeyValuePair<string, ManifestValue>>();
        var buildParameters = new List<ManifestParameter>();
        var runtimeParameters = new List<ManifestParameter>();
        var optionalParameters = new List<ManifestParameter>();
        var buildSection = new BuildSection();
        var seenConfig = false;

        foreach (var (key, value) in body.Entries)
        {
            if (Full) break;
            var path = Join(name, key.Text);
            switch (key.Text)
            {
                case Version:
                    if (Scalar(value, path, "version") is { } v)
                    {
                        if (CheckVersion(v.Text) is { } versionError) Error(v, path, versionError);
                        else version = v.Text;
                    }
                    break;
                case Config:
                    seenConfig = true;
                    ValidateConfig(key, value, path, config);
                    break;
                case Parameters when extended:
                    ValidateParameters(value, path, ParameterKind.Runtime, runtimeParameters, extended);
                    break;
                case Parameters:
                case GenerationParameters:
                    ValidateParameters(value, path, ParameterKind.Build, buildParameters, extended);
                    break;
                case Optional when extended:
                    ValidateParameters(value, path, ParameterKind.Optional, optionalParameters, extended);
                    break;
                case Optional:
                    Error(key, path, "'optional' lists optional runtime parameters, which belong to the extended schema: add 'generation_parameters' for the build parameters "
                        + "(then 'parameters' means runtime parameters with 'info' and 'example'), or remove 'optional'");
                    break;
                case Build:
                    ValidateBuild(value, path, buildSection);
                    break;
                case "<<":
                    Error(key, path, "merge keys ('<<') are not supported; write the keys out");
                    break;
                default:
                    Error(key, path, UnknownKey(key.Text, allowed));
                    break;
            }
        }

        if (!body.Entries.Any(e => e.Key.Text == Version))
            Error(nameKey, Join(name, Version), "missing 'version': the generator image tag, e.g. 'version: v1'");
        if (!seenConfig)
            Error(nameKey, Join(name, Config), "missing 'config' with GENERATOR_REGISTRY, MODEL_REGISTRY and MODEL_DOCKERFILE");

        if (errors.Count > errorsBefore) return null;
        var manifest = new GeneratorManifest
        {
            Name = name,
            Version = version!,
            Schema = extended ? ManifestSchema.Extended : ManifestSchema.Seed,
            Config = config,
            BuildParameters = buildParameters,
            RuntimeParameters = runtimeParameters,
            OptionalParameters = optionalParameters,
            BuildCache = buildSection.Cache,
            Builder = buildSection.Builder,
            BaseImage = buildSection.BaseImage,
            Labels = ManifestLabels.Flatten(name, version!, body),
            SourceBytes = sourceBytes,
            Path = file,
        };
        return manifest;
    }

    private static string UnknownKey(string key, IEnumerable<string> allowed)
    {
        var hint = Hints.Suggest(key, allowed) is { } s ? $"; did you mean '{s}'?" : "";
        return $"unknown key '{Show(key)}'{hint} (allowed here: {string.Join(", ", allowed)})";
    }

    /// <summary>The node as a scalar, or an error saying only a single value fits here.</summary>
    private SourceScalar? Scalar(SourceNode node, string path, string what)
    {
        if (node is not SourceScalar s)
        {
            Error(node, path, $"{what} must be a single value (text, a number or true/false), not {node.Kind}");
            return null;
        }
        if (s.Text.Contains('\0'))
        {
            Error(node, path, "contains a NUL character, which environment variables and labels cannot hold");
            return null;
        }
        return s;
    }

    /// <summary>The node as a map; an empty value (<c>key:</c>, <c>~</c>) is an empty map. Null after an error.</summary>
    private SourceMapping? Section(SourceNode node, string path, string expected)
    {
        if (node is SourceMapping m) return m;
        if (node is SourceScalar { IsNullLike: true }) return new SourceMapping(node.Line, node.Column);
        Error(node, path, $"must be a map of {expected}, not {node.Kind}");
        return null;
    }

    /// <summary>Checks a config key or parameter name (<see cref="ManifestRules.CheckVariableName"/>) and claims it in the shared namespace.</summary>
    private void CheckName(SourceScalar key, string path)
    {
        if (CheckVariableName(key.Text) is { } error)
        {
            Error(key, path, error);
            return;
        }
        if (names.TryGetValue(key.Text, out var first))
        {
            Error(key, path, $"'{key.Text}' is already defined at {first.Path} (line {first.Line}); config keys and parameter names become environment variables and must be unique");
            return;
        }
        names.Add(key.Text, (path, key.Line));
    }

    private void ValidateConfig(SourceScalar sectionKey, SourceNode node, string path, List<KeyValuePair<string, ManifestValue>> config)
    {
        if (Section(node, path, "NAME: value settings (GENERATOR_REGISTRY, MODEL_REGISTRY, MODEL_DOCKERFILE, ...)") is not { } map) return;
        foreach (var (key, value) in map.Entries)
        {
            if (Full) return;
            var keyPath = Join(path, key.Text);
            CheckName(key, keyPath);
            if (Scalar(value, keyPath, $"config '{Show(key.Text)}'") is not { } s) continue;
            var problem = key.Text switch
            {
                "GENERATOR_REGISTRY" or "MODEL_REGISTRY" => CheckRegistry(s.Text),
                "MODEL_DOCKERFILE" => CheckDockerfilePath(s.Text),
                _ => null,
            };
            if (problem is not null) Error(s, keyPath, problem);
            config.Add(new(key.Text, new ManifestValue(s.Text, s.Line, s.Column)));
        }

        var hinted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mandatory in MandatoryConfigKeys)
        {
            if (Full) return;
            if (map.Find(mandatory) is not null) continue;
            // Extra config keys are allowed, so a near miss is only called out when the key it resembles is missing.
            var nearMiss = map.Entries.Select(e => e.Key)
                .FirstOrDefault(k => !MandatoryConfigKeys.Contains(k.Text) && !hinted.Contains(k.Text) && Hints.Suggest(k.Text, [mandatory]) is not null);
            if (nearMiss is not null)
            {
                hinted.Add(nearMiss.Text);
                Error(nearMiss, Join(path, nearMiss.Text), $"'{Show(nearMiss.Text)}' is not a known setting and the mandatory '{mandatory}' is missing; did you mean '{mandatory}'?");
            }
            else
            {
                Error(sectionKey, Join(path, mandatory), $"missing '{mandatory}': {MandatoryMeaning(mandatory)}");
            }
        }
    }

    private static string MandatoryMeaning(string key) => key switch
    {
        "GENERATOR_REGISTRY" => "the registry the generator image is pushed to, e.g. 'localhost:5000' or 'ghcr.io/my-org' (empty for no prefix)",
        "MODEL_REGISTRY" => "the registry model images are pushed to, e.g. 'localhost:5000' or 'ghcr.io/my-org' (empty for no prefix)",
        _ => "the model's Dockerfile, relative to the model source, e.g. 'Dockerfile'",
    };

    private void ValidateParameters(SourceNode node, string path, ParameterKind kind, List<ManifestParameter> into, bool extended)
    {
        var valueKey = kind == ParameterKind.Runtime ? "example" : "default";
        if (Section(node, path, $"parameters (NAME: with 'info' and '{valueKey}')") is not { } map) return;
        foreach (var (key, value) in map.Entries)
        {
            if (Full) return;
            var paramPath = Join(path, key.Text);
            CheckName(key, paramPath);
            if (value is not SourceMapping entry)
            {
                Error(value is SourceScalar { IsNullLike: true } ? key : value, paramPath,
                    $"parameter '{Show(key.Text)}' must be a map with 'info' and '{valueKey}' indented under it, not {(value is SourceScalar { IsNullLike: true } ? "empty" : value.Kind)}");
                continue;
            }

            SourceScalar? info = null;
            SourceScalar? paramValue = null;
            var misplaced = false;
            foreach (var (field, fieldValue) in entry.Entries)
            {
                var fieldPath = Join(paramPath, field.Text);
                if (field.Text == "info") info = Scalar(fieldValue, fieldPath, "info");
                else if (field.Text == valueKey) paramValue = Scalar(fieldValue, fieldPath, valueKey);
                else if (kind == ParameterKind.Runtime && field.Text == "default")
                {
                    misplaced = true;
                    Error(field, fieldPath, "runtime parameters take 'example' (a sample value shown to users), not 'default'; optional runtime parameters with a default go under 'optional'");
                }
                else if (kind != ParameterKind.Runtime && field.Text == "example")
                {
                    misplaced = true;
                    Error(field, fieldPath, extended
                        ? $"{(kind == ParameterKind.Build ? "build" : "optional")} parameters take 'default' (the value used unless overridden), not 'example'; 'example' is for runtime 'parameters'"
                        : "build parameters take 'default' (the value used unless overridden), not 'example'; runtime parameters with examples need the extended schema ('generation_parameters' for build parameters)");
                }
                else Error(field, fieldPath, UnknownKey(field.Text, ["info", valueKey]));
            }

            if (info is null && entry.Find("info") is null)
                Error(key, Join(paramPath, "info"), "missing 'info': a one-line description of the parameter");
            if (paramValue is null && entry.Find(valueKey) is null && !misplaced)
            {
                Error(key, Join(paramPath, valueKey), kind == ParameterKind.Runtime
                    ? "missing 'example': a sample value shown to users who run the model"
                    : "missing 'default': the value used when no environment variable of this name is set");
            }
            if (info is not null && paramValue is not null)
                into.Add(new ManifestParameter(key.Text, info.Text, new ManifestValue(paramValue.Text, paramValue.Line, paramValue.Column)));
        }
    }

    private sealed class BuildSection
    {
        public List<string> Cache { get; } = [];
        public string? Builder { get; set; }
        public string? BaseImage { get; set; }
    }

    private void ValidateBuild(SourceNode node, string path, BuildSection build)
    {
        if (Section(node, path, "build settings (cache, builder, base_image, ...)") is not { } map) return;
        CheckFreeFormKeys(map, path);
        foreach (var (key, value) in map.Entries)
        {
            if (Full) return;
            var keyPath = Join(path, key.Text);
            switch (key.Text)
            {
                case "cache":
                    if (value is SourceScalar { IsNullLike: true }) break;
                    if (value is not SourceSequence list)
                    {
                        Error(value, keyPath, $"build.cache must be a list of image references (e.g. '- python:3.12-slim'), not {value.Kind}");
                        break;
                    }
                    for (var i = 0; i < list.Items.Count; i++)
                    {
                        var itemPath = $"{keyPath}[{i}]";
                        if (Scalar(list.Items[i], itemPath, "a build.cache entry") is not { } item) continue;
                        if (CheckImageReference(item.Text, allowOciLayout: false) is { } refError) Error(item, itemPath, refError);
                        else build.Cache.Add(item.Text);
                    }
                    break;
                case "builder":
                    if (Scalar(value, keyPath, "build.builder") is not { } builder) break;
                    if (CheckBuilder(builder.Text) is { } builderError) Error(builder, keyPath, builderError);
                    else build.Builder = builder.Text;
                    break;
                case "base_image":
                    if (Scalar(value, keyPath, "build.base_image") is not { } baseImage) break;
                    if (CheckImageReference(baseImage.Text, allowOciLayout: true) is { } baseError) Error(baseImage, keyPath, baseError);
                    else build.BaseImage = baseImage.Text;
                    break;
                default:
                    CheckNoNul(value, keyPath);
                    break;
            }
        }
    }

    /// <summary>Keys under build become label keys: no dots (labels are split on them), no '=' or whitespace (labels print as key=value).</summary>
    private void CheckFreeFormKeys(SourceMapping map, string path)
    {
        foreach (var (key, value) in map.Entries)
        {
            if (Full) return;
            var keyPath = Join(path, key.Text);
            if (key.Text.Length == 0) Error(key, keyPath, "empty key; keys under build become label keys and need a name");
            else if (key.Text.Contains('.')) Error(key, keyPath, $"key '{Show(key.Text)}' contains '.', which is not allowed because image labels are split on dots");
            else if (key.Text.Any(c => c == '=' || char.IsWhiteSpace(c) || char.IsControl(c)))
                Error(key, keyPath, $"key '{Show(key.Text)}' contains '=', whitespace or a control character, which label keys cannot hold");
            if (value is SourceMapping nested) CheckFreeFormKeys(nested, keyPath);
        }
    }

    private void CheckNoNul(SourceNode node, string path)
    {
        switch (node)
        {
            case SourceScalar s when s.Text.Contains('\0'):
                Error(s, path, "contains a NUL character, which labels cannot hold");
                break;
            case SourceMapping m:
                foreach (var (k, v) in m.Entries)
                {
                    if (Full) break;
                    CheckNoNul(v, Join(path, k.Text));
                }
                break;
            case SourceSequence q:
                for (var i = 0; i < q.Items.Count && !Full; i++) CheckNoNul(q.Items[i], $"{path}[{i}]");
                break;
        }
    }
}
