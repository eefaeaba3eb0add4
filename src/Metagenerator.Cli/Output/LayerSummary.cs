using Metagenerator.Build;
using Metagenerator.Oci;

namespace Metagenerator.Cli.Output;

/// <summary>The per-layer lines <c>build</c> prints: what each new layer holds and how it reached the destination.</summary>
public static class LayerSummary
{
    /// <summary>
    /// One line per new layer at info level (contents, file count and size, digest, reused / uploaded / already present);
    /// at debug level each layer's files follow, one a line.
    /// </summary>
    public static void Write(ConsoleReporter reporter, IReadOnlyList<GeneratorLayer> layers, bool pushed)
    {
        var outcomes = reporter.Outcomes;
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var files = layer.Files.Count == 1 ? "1 file" : $"{layer.Files.Count} files";
            reporter.Info($"layer {i + 1}/{layers.Count}: {layer.Contents}: {files}, {ConsoleReporter.Size(layer.FileBytes)}; "
                + $"{layer.Descriptor.Digest.Algorithm}:{layer.Descriptor.Digest.Short} {Status(layer, pushed, outcomes)}");
            if (reporter.Verbosity < Verbosity.Debug) continue;
            foreach (var path in layer.Files) reporter.Debug($"    /{path}");
        }
    }

    private static string Status(GeneratorLayer layer, bool pushed, IReadOnlyDictionary<Digest, TransferKind> outcomes)
    {
        if (layer.Reused) return "reused: unchanged in the destination, not compressed or uploaded";
        var built = $"built ({ConsoleReporter.Size(layer.Descriptor.Size)} compressed)";
        if (!pushed) return built;
        return outcomes.TryGetValue(layer.Descriptor.Digest, out var kind) ? kind switch
        {
            TransferKind.Uploaded => built + ", uploaded",
            TransferKind.Mounted => built + ", mounted from another repository",
            _ => built + ", already in the registry",
        } : built;
    }
}
