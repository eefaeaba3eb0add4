namespace Metagenerator.Inspection;

/// <summary>A label whose value in the registry differs from what a local manifest gives; null means the label is absent there.</summary>
public sealed record LabelDifference(string Key, string? Registry, string? Local);
