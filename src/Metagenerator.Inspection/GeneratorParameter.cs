namespace Metagenerator.Inspection;

/// <summary>A parameter as a generator image's labels describe it (docs/contracts.md §2, §6).</summary>
/// <param name="Name">The parameter (an environment variable name).</param>
/// <param name="Info">Its <c>info</c> label, or null.</param>
/// <param name="Default">Its <c>default</c> label (build and optional parameters), or null.</param>
/// <param name="Example">Its <c>example</c> label (runtime parameters), or null.</param>
public sealed record GeneratorParameter(string Name, string? Info, string? Default, string? Example);
