namespace Metagenerator.Inspection;

/// <summary>Everything one <c>inspect</c> run found: the generator, and when asked, its model images and the label differences.</summary>
/// <param name="Inspection">The generator image and its description.</param>
/// <param name="Models">Its model images (with <c>--models</c>), else null.</param>
/// <param name="ModelRepositoryPrefix">Where the models were looked for, <c>host/name/version/</c> (with <c>--models</c>), else null.</param>
/// <param name="ManifestPath">The local manifest compared with (with <c>--manifest</c>), else null.</param>
/// <param name="Differences">The label differences (with <c>--manifest</c>), else null.</param>
public sealed record InspectionReport(
    GeneratorInspection Inspection,
    IReadOnlyList<ModelDescription>? Models = null,
    string? ModelRepositoryPrefix = null,
    string? ManifestPath = null,
    IReadOnlyList<LabelDifference>? Differences = null);
