using Metagenerator.Manifest;

namespace Metagenerator.Cli.Commands;

/// <summary>Checks a model source directory against a manifest.</summary>
internal static class ModelSourceCheck
{
    /// <summary>Errors when the directory or its MODEL_DOCKERFILE is missing; empty when all is well.</summary>
    public static IReadOnlyList<ManifestError> Check(GeneratorManifest manifest, string modelSource)
    {
        var (line, column) = ConfigPosition(manifest, "MODEL_DOCKERFILE");
        if (!Directory.Exists(modelSource))
            return [new ManifestError(manifest.Path, line, column, "config.MODEL_DOCKERFILE",
                $"the model source directory '{modelSource}' does not exist; pass the folder holding the model's Dockerfile")];
        var dockerfile = Path.Combine(modelSource, manifest.ModelDockerfile);
        if (!File.Exists(dockerfile))
            return [new ManifestError(manifest.Path, line, column, "config.MODEL_DOCKERFILE",
                $"'{manifest.ModelDockerfile}' does not exist in the model source '{modelSource}'; create it or correct MODEL_DOCKERFILE")];
        return [];
    }

    private static (int Line, int Column) ConfigPosition(GeneratorManifest manifest, string key)
    {
        foreach (var (k, v) in manifest.Config)
            if (k == key) return (v.Line, v.Column);
        return (1, 1);
    }
}
