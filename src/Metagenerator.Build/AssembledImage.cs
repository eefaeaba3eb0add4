using Metagenerator.Oci;

namespace Metagenerator.Build;

/// <summary>The generator image plus the staged layer files it may read from; dispose to delete the files.</summary>
public sealed class AssembledImage(IImage image, IReadOnlyList<GeneratorLayer> newLayers, IReadOnlyList<string> stagedFiles) : IDisposable
{
    /// <summary>The image, ready for any sink.</summary>
    public IImage Image { get; } = image;

    /// <summary>The layers added to the base, bottom to top.</summary>
    public IReadOnlyList<GeneratorLayer> NewLayers { get; } = newLayers;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var file in stagedFiles) File.Delete(file);
    }
}
