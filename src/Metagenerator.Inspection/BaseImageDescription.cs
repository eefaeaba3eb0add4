namespace Metagenerator.Inspection;

/// <summary>What can be told about a generator image's base from the image alone.</summary>
/// <param name="Source">Where this comes from: <c>history</c> (the layers below the history entry <c>metagenerator build</c>
/// wrote) or <c>layers</c> (no such entry: every layer but the top one is taken as the base's).</param>
/// <param name="LayerCount">How many layers the base contributes.</param>
/// <param name="TopLayer">The digest of the base's top layer, when it has layers.</param>
/// <param name="LastStep">The base's last history step (<c>created_by</c>), when recorded.</param>
public sealed record BaseImageDescription(string Source, int LayerCount, string? TopLayer, string? LastStep);
