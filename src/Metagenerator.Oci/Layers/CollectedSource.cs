namespace Metagenerator.Oci.Layers;

/// <summary>Entries collected from other sources (by Build's LayerPartitioner); written as they are.</summary>
internal sealed record CollectedSource(IReadOnlyList<LayerEntry> Entries) : LayerSource;
