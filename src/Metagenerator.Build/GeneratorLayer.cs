using Metagenerator.Oci;

namespace Metagenerator.Build;

/// <summary>One new layer of an assembled generator image.</summary>
/// <param name="Contents">What the layer holds, for people.</param>
/// <param name="Descriptor">The layer blob as the image's manifest lists it.</param>
/// <param name="DiffId">The sha256 of its uncompressed tar.</param>
/// <param name="Reused">True when it was taken from the image the destination already held: hashed, never compressed or uploaded.</param>
/// <param name="Files">Its files and symlinks, as paths inside the image without a leading slash, sorted.</param>
/// <param name="FileBytes">The bytes of its files' contents.</param>
public sealed record GeneratorLayer(string Contents, Descriptor Descriptor, Digest DiffId, bool Reused, IReadOnlyList<string> Files, long FileBytes);
