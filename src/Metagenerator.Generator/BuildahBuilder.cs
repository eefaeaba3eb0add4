using Metagenerator.Generator.Builders;

namespace Metagenerator.Generator;

/// <summary>buildah's command lines for a generator run: build, then push.</summary>
public static class BuildahBuilder
{
    /// <summary><c>buildah … bud …</c> (program first).</summary>
    public static IReadOnlyList<string> Arguments(BuildInvocation inv) =>
        BuildahDefinition.Instance.Evaluate(inv, BuildahDefinition.BudLabel)!;

    /// <summary><c>buildah … push …</c> (program first), run after a successful bud.</summary>
    public static IReadOnlyList<string> PushArguments(BuildInvocation inv) =>
        BuildahDefinition.Instance.Evaluate(inv, BuildahDefinition.PushLabel)!;
}
