using Metagenerator.Generator.Builders;

namespace Metagenerator.Generator;

/// <summary>Docker's command line for a generator run.</summary>
public static class DockerBuilder
{
    /// <summary><c>docker buildx build --push …</c> (program first).</summary>
    public static IReadOnlyList<string> Arguments(BuildInvocation inv) =>
        DockerDefinition.Instance.Evaluate(inv, DockerDefinition.BuildLabel)!;
}
