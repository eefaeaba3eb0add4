namespace Metagenerator.Build.Inspection;

/// <summary>What can be told about a generator image's base from the image alone.</summary>
/// <param name="Source">Where this comes from: <c>annotations</c> (the manifest's <c>org.opencontainers.image.base.*</c>),
/// <c>history</c> (the layers below the history entry <c>metagenerator build</c> wrote) or <c>layers</c> (no such entry:
/// every layer but the top one).</param>
/// <param name="LayerCount">How many layers the base contributes.</param>
/// <param name="TopLayer">The digest of the base's top layer, when it has layers.</param>
/// <param name="Name">The base's name from <c>org.opencontainers.image.base.name</c>, when annotated.</param>
/// <param name="Digest">The base's digest from <c>org.opencontainers.image.base.digest</c>, when annotated.</param>
/// <param name="LastStep">The base's last history step (<c>created_by</c>), when recorded.</param>
public sealed record BaseImageDescription(string Source, int LayerCount, string? TopLayer, string? Name, string? Digest, string? LastStep);
