namespace Metagenerator.Inspection;

/// <summary>A model image a generator built, as the Model API lists it (docs/contracts.md §3, §7).</summary>
public sealed record ModelDescription
{
    /// <summary>The model name (the last repository component).</summary>
    public required string Name { get; init; }

    /// <summary>The model tag.</summary>
    public required string Tag { get; init; }

    /// <summary>Where it is: <c>host/repository:tag</c>.</summary>
    public required string Reference { get; init; }

    /// <summary>The digest of the tag's manifest.</summary>
    public required string Digest { get; init; }

    /// <summary>True when the tag holds an image index, which the Model API cannot read (the rest describes the linux/amd64 image).</summary>
    public bool IsIndex { get; init; }

    /// <summary>True when the image has labels under <c>&lt;generator&gt;.&lt;version&gt;.&lt;model&gt;.&lt;tag&gt;.</c>; when false the Model API lists it without parameters.</summary>
    public required bool HasModelLabels { get; init; }

    /// <summary>The <c>CREATED</c> label (the Model API compares it with a task's time), or null.</summary>
    public string? Created { get; init; }

    /// <summary>The image config's <c>created</c> time, or null.</summary>
    public string? ImageCreated { get; init; }

    /// <summary>Generation (build) parameters and the values used, without <c>CREATED</c> (which the Model API lists among them).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GenerationParameters { get; init; } = [];

    /// <summary>Runtime parameters (<c>parameters.X</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RuntimeParameters { get; init; } = [];

    /// <summary>Optional runtime parameters (<c>parameters.optional.X</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> OptionalParameters { get; init; } = [];

    /// <summary>Why the tag cannot be read as a model image (an index without linux/amd64, an artifact, a config that is not JSON), or null; then nothing else is known.</summary>
    public string? Problem { get; init; }

    /// <summary>The <c>info</c> label (a free-text description), or null.</summary>
    public string? Info { get; init; }

    /// <summary>Reads the model labels from <paramref name="labels"/> under <c>generator.version.name.tag</c>.</summary>
    public static ModelDescription FromLabels(string generator, string version, string name, string tag, string reference, string digest,
        IEnumerable<KeyValuePair<string, string>> labels, string? imageCreated, bool isIndex)
    {
        var model = LabelTree.FromLabels(labels).Find(generator, version, name, tag);
        var description = new ModelDescription
        {
            Name = name, Tag = tag, Reference = reference, Digest = digest, IsIndex = isIndex, ImageCreated = imageCreated,
            HasModelLabels = model is not null,
        };
        if (model is null) return description;
        // The Model API pops 'parameters' (runtime, with 'optional' inside) and 'info'; the rest are generation parameters.
        var parameters = model["parameters"] as LabelTree;
        return description with
        {
            Created = model.Text("CREATED"),
            GenerationParameters = model.Without("parameters", "info", "CREATED").Flatten(),
            RuntimeParameters = parameters?.Without("optional").Flatten() ?? [],
            OptionalParameters = parameters?.Find("optional")?.Flatten() ?? [],
            Info = model.Text("info"),
        };
    }
}
