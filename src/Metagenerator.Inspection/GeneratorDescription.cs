using Metagenerator.Manifest;

namespace Metagenerator.Inspection;

/// <summary>A generator as the Model API describes it, read from the labels under <c>&lt;name&gt;.&lt;version&gt;.</c> (docs/contracts.md §2, §7).</summary>
public sealed record GeneratorDescription
{
    /// <summary>The generator name (the first part of the label prefix).</summary>
    public required string Name { get; init; }

    /// <summary>The generator version (the second part of the label prefix).</summary>
    public required string Version { get; init; }

    /// <summary>Extended when a <c>generation_parameters</c> section is labelled, else seed.</summary>
    public required ManifestSchema Schema { get; init; }

    /// <summary>The <c>config</c> labels (key relative to <c>config.</c>), in label order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Config { get; init; }

    /// <summary>Build parameters: seed <c>parameters</c> or extended <c>generation_parameters</c>.</summary>
    public required IReadOnlyList<GeneratorParameter> BuildParameters { get; init; }

    /// <summary>Runtime parameters (extended <c>parameters</c>); empty for the seed schema.</summary>
    public required IReadOnlyList<GeneratorParameter> RuntimeParameters { get; init; }

    /// <summary>Optional runtime parameters (extended <c>optional</c>); empty for the seed schema.</summary>
    public required IReadOnlyList<GeneratorParameter> OptionalParameters { get; init; }

    /// <summary>The <c>build</c> labels (key relative to <c>build.</c>); list values are their JSON text.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Build { get; init; }

    /// <summary>Labels under the prefix in no section above (key relative to the prefix).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Other { get; init; }

    /// <summary>The label prefix, <c>&lt;name&gt;.&lt;version&gt;.</c>.</summary>
    public string LabelPrefix => $"{Name}.{Version}.";

    /// <summary><c>config.MODEL_REGISTRY</c>, or null when not labelled.</summary>
    public string? ModelRegistry => Config.FirstOrDefault(c => c.Key == "MODEL_REGISTRY") is { Key: not null } entry ? entry.Value : null;

    /// <summary>Reads the description from the labels under <c>name.version</c> (<paramref name="generator"/> is that subtree).</summary>
    public static GeneratorDescription FromLabels(string name, string version, LabelTree generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var extended = generator["generation_parameters"] is not null;
        string[] known = extended ? ["config", "generation_parameters", "parameters", "optional", "build"] : ["config", "parameters", "build"];
        return new GeneratorDescription
        {
            Name = name,
            Version = version,
            Schema = extended ? ManifestSchema.Extended : ManifestSchema.Seed,
            Config = Section(generator, "config"),
            BuildParameters = Parameters(generator[extended ? "generation_parameters" : "parameters"]),
            RuntimeParameters = extended ? Parameters(generator["parameters"]) : [],
            OptionalParameters = extended ? Parameters(generator["optional"]) : [],
            Build = Section(generator, "build"),
            Other = generator.Without(known).Flatten(),
        };
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Section(LabelTree generator, string name) => generator[name] switch
    {
        LabelTree tree => tree.Flatten(),
        LabelText text => [new("", text.Text)],
        _ => [],
    };

    private static IReadOnlyList<GeneratorParameter> Parameters(LabelNode? section)
    {
        if (section is not LabelTree tree) return [];
        return [.. tree.Entries.Select(e => e.Value is LabelTree p
            ? new GeneratorParameter(e.Key, p.Text("info"), p.Text("default"), p.Text("example"))
            : new GeneratorParameter(e.Key, null, ((LabelText)e.Value).Text, null))];
    }
}
