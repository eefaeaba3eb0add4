namespace Metagenerator.Inspection;

/// <summary>What <c>inspect</c> found: the image's facts and the generator its labels describe.</summary>
public sealed record GeneratorInspection
{
    /// <summary>The reference as given (a registry reference or <c>oci:DIR[:TAG]</c>).</summary>
    public required string Reference { get; init; }

    /// <summary>The manifest digest.</summary>
    public required string Digest { get; init; }

    /// <summary>The manifest media type (OCI or Docker schema 2).</summary>
    public required string MediaType { get; init; }

    /// <summary>Manifest, config and layers together, in bytes (compressed layers, as stored).</summary>
    public required long Size { get; init; }

    /// <summary>The number of layers.</summary>
    public required int LayerCount { get; init; }

    /// <summary>The config's <c>created</c> time, or null.</summary>
    public string? Created { get; init; }

    /// <summary>What is known about the base image.</summary>
    public required BaseImageDescription Base { get; init; }

    /// <summary>Every label of the image config, in stored order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; }

    /// <summary>The generator the labels describe.</summary>
    public required GeneratorDescription Generator { get; init; }

    /// <summary>Set when the Model API would look the image up under another name or version than its labels use.</summary>
    public string? Warning { get; init; }
}
