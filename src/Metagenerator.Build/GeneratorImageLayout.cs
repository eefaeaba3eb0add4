namespace Metagenerator.Build;

/// <summary>Where things live inside the generator image (CONTRACTS §4).</summary>
public static class GeneratorImageLayout
{
    /// <summary>The working directory; the Model API mounts config.json here.</summary>
    public const string Workspace = "/workspace";

    /// <summary>The model source, the builder's context.</summary>
    public const string ModelSource = "/workspace/model-src";

    /// <summary>The generator entrypoint script.</summary>
    public const string Script = "/workspace/generator.sh";

    /// <summary>The manifest, kept at the root as the original did.</summary>
    public const string Manifest = "/GENERATOR-MANIFEST.yml";
}
