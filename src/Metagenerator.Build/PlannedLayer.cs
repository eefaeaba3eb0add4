using Metagenerator.Oci;

namespace Metagenerator.Build;

/// <summary>One new layer of the generator image before it is built: what it holds, and how to build it.</summary>
/// <param name="Contents">What the layer holds, for people (also its history comment).</param>
/// <param name="Spec">How to build (or hash) it.</param>
/// <param name="Files">Its files and symlinks, as paths inside the image without a leading slash, sorted.</param>
/// <param name="FileBytes">The bytes of its files' contents.</param>
public sealed record PlannedLayer(string Contents, LayerSpec Spec, IReadOnlyList<string> Files, long FileBytes);
