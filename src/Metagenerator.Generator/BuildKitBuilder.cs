using Metagenerator.Generator.Builders;

namespace Metagenerator.Generator;

/// <summary>BuildKit's command line for a generator run.</summary>
public static class BuildKitBuilder
{
    /// <summary><c>buildctl --addr $BUILDKIT_HOST build …</c>, or <c>buildctl-daemonless.sh build …</c> without a host (program first).</summary>
    public static IReadOnlyList<string> Arguments(BuildInvocation inv) =>
        BuildKitDefinition.Instance.Evaluate(inv).Single();
}
