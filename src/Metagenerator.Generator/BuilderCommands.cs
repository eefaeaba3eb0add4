using Metagenerator.Generator.Builders;

namespace Metagenerator.Generator;

/// <summary>Every command a generator run executes, in order, for any builder.</summary>
public static class BuilderCommands
{
    /// <summary>The argv (program first) of each command the script runs for <paramref name="inv"/>, in order.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> For(BuilderKind builder, BuildInvocation inv) =>
        BuilderDefinition.For(builder).Evaluate(inv);
}
