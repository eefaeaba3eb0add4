using System.Globalization;
using System.Text.RegularExpressions;
using Metagenerator.Inspection;
using Metagenerator.Manifest;

namespace Metagenerator.Docker;

/// <summary>
/// A create-model request as the Model API handles it (docs/contracts.md §7): its checks, and the environment it runs the
/// generator with. Pure, so that what is sent can be tested without an engine.
/// </summary>
public sealed partial record ModelApiRequest
{
    /// <summary>The generator the request names, as its labels describe it.</summary>
    public required GeneratorDescription Generator { get; init; }

    /// <summary>MODEL_NAME.</summary>
    public required string ModelName { get; init; }

    /// <summary>MODEL_TAG.</summary>
    public required string ModelTag { get; init; }

    /// <summary>The request's parameters, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>True when the Model API does not verify TLS: EXTRA_FLAGS then starts with <c>--skip-tls-verify</c>.</summary>
    public bool SkipTlsVerify { get; init; }

    /// <summary>The request's time, sent as CREATED and later compared with the model image's CREATED label.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>CREATED as the Model API writes it: <see cref="PythonIsoFormat"/> of <see cref="Created"/>.</summary>
    public string CreatedText => PythonIsoFormat(Created);

    /// <summary>EXTRA_FLAGS as the Model API composes it.</summary>
    public string ExtraFlags => SkipTlsVerify ? "--skip-tls-verify --cache=true" : "--cache=true";

    /// <summary>Where the model image goes: MODEL_REGISTRY/&lt;generator&gt;/&lt;version&gt;/&lt;model&gt;:&lt;tag&gt; (docs/contracts.md §1).</summary>
    public string ModelImage => $"{ModelRepository}:{ModelTag}";

    /// <summary>The model image's repository, with its registry.</summary>
    public string ModelRepository
    {
        get
        {
            var registry = (Generator.ModelRegistry ?? "").TrimEnd('/');
            return $"{(registry.Length == 0 ? "" : registry + "/")}{Generator.Name}/{Generator.Version}/{ModelName}";
        }
    }

    /// <summary>
    /// The environment in the order the Model API builds it (<c>{params…, MODEL_NAME, MODEL_TAG, CREATED, EXTRA_FLAGS}</c>,
    /// a Python dict: a later key replaces an earlier one in place).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment()
    {
        var env = new List<KeyValuePair<string, string>>();
        void Set(string name, string value)
        {
            var at = env.FindIndex(e => e.Key == name);
            if (at >= 0) env[at] = new(name, value);
            else env.Add(new(name, value));
        }
        foreach (var (name, value) in Parameters) Set(name, value);
        Set("MODEL_NAME", ModelName);
        Set("MODEL_TAG", ModelTag);
        Set("CREATED", CreatedText);
        Set("EXTRA_FLAGS", ExtraFlags);
        return env;
    }

    /// <summary>
    /// What the Model API would refuse, each as its reason (HTTP 400 for the route patterns; the parameter check of a
    /// create-model request); empty when it would accept the request.
    /// </summary>
    public IReadOnlyList<string> Refusals()
    {
        var refusals = new List<string>();
        void Route(string what, string value, Regex pattern, string text)
        {
            if (!pattern.IsMatch(value))
                refusals.Add($"{what} '{value}' does not match the Model API's route pattern {text} (HTTP 400)" + (value.Contains('.') ? "; a dot would also split its labels" : ""));
        }
        Route("generator name", Generator.Name, GeneratorRoute(), GeneratorRoutePattern);
        Route("generator version", Generator.Version, GeneratorRoute(), GeneratorRoutePattern);
        Route("model name", ModelName, ModelRoute(), ModelRoutePattern);
        Route("model tag", ModelTag, ModelRoute(), ModelRoutePattern);

        var allowed = AllowedParameterNames(Generator);
        foreach (var name in Parameters.Select(p => p.Key).Distinct(StringComparer.Ordinal))
        {
            if (allowed.Contains(name)) continue;
            var isBuildParameter = Generator.Schema == ManifestSchema.Extended && Generator.BuildParameters.Any(p => p.Name == name);
            refusals.Add($"parameter '{name}' is not under the generator's {Generator.LabelPrefix}config or {Generator.LabelPrefix}parameters labels, so the Model API refuses it"
                + (isBuildParameter
                    ? " (it is a generation_parameters entry, which Model API servers that predate the extended schema do not know)"
                    : $"; it accepts: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed.Order(StringComparer.Ordinal)))}"));
        }
        return refusals;
    }

    /// <summary>The parameter names a create-model request may carry: the <c>config</c> keys and the entries under <c>parameters</c>.</summary>
    public static IReadOnlySet<string> AllowedParameterNames(GeneratorDescription generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        // Under 'parameters' are the seed schema's build parameters, or the extended schema's runtime parameters.
        var parameters = generator.Schema == ManifestSchema.Extended ? generator.RuntimeParameters : generator.BuildParameters;
        return generator.Config.Select(c => c.Key.Split('.')[0]).Concat(parameters.Select(p => p.Name)).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Python's <c>datetime.isoformat()</c> of an aware UTC time: <c>YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00</c>, the
    /// microseconds left out when they are zero (Python does that), finer ticks dropped (Python has none).</summary>
    public static string PythonIsoFormat(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var microseconds = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return microseconds == 0 ? seconds + "+00:00" : $"{seconds}.{microseconds.ToString("D6", CultureInfo.InvariantCulture)}+00:00";
    }

    /// <summary>The Model API's route pattern for generator names and versions.</summary>
    public const string GeneratorRoutePattern = "^[a-zA-Z0-9][a-zA-Z0-9-]+$";

    /// <summary>The Model API's route pattern for model names and tags.</summary>
    public const string ModelRoutePattern = "^[a-z0-9][a-z0-9-]+$";

    [GeneratedRegex(GeneratorRoutePattern)]
    private static partial Regex GeneratorRoute();

    [GeneratedRegex(ModelRoutePattern)]
    private static partial Regex ModelRoute();
}
