using Metagenerator.Manifest;

namespace Metagenerator.Entrypoint;

/// <summary>Where things live inside the generator image (docs/contracts.md §4): the one owner of these paths, read by the
/// script (its defaults) and by the build (where it puts files, the entrypoint).</summary>
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

    /// <summary>The entrypoint: the script run by the base image's shell, so no shebang lookup is needed.</summary>
    /// <remarks>kaniko's debug image has its busybox shell at /busybox/sh and no /bin/sh; the other bases have /bin/sh.</remarks>
    public static IReadOnlyList<string> Entrypoint(BuilderKind builder) =>
        [builder == BuilderKind.Kaniko ? "/busybox/sh" : "/bin/sh", Script];
}
