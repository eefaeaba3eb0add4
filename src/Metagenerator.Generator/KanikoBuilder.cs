using Metagenerator.Generator.Builders;

namespace Metagenerator.Generator;

/// <summary>kaniko's command lines for a generator run (CONTRACTS §4).</summary>
public static class KanikoBuilder
{
    /// <summary>The executor inside kaniko's image.</summary>
    public const string ExecutorPath = "/kaniko/executor";

    /// <summary>The cache warmer inside kaniko's image.</summary>
    public const string WarmerPath = "/kaniko/warmer";

    /// <summary>The base-image cache directory both the warmer and the executor use by default.</summary>
    public const string DefaultCacheDir = "/cache";

    /// <summary>The executor's argv (program first).</summary>
    public static IReadOnlyList<string> Arguments(BuildInvocation inv) =>
        KanikoDefinition.Instance.Evaluate(inv, KanikoDefinition.ExecutorLabel)!;

    /// <summary>The warmer's argv, or null: it runs only when EXTRA_FLAGS turn the cache on and the manifest lists <c>build.cache</c> images.</summary>
    public static IReadOnlyList<string>? WarmerArguments(BuildInvocation inv) =>
        inv.Manifest.BuildCache.Count == 0 ? null : KanikoDefinition.Instance.Evaluate(inv, KanikoDefinition.WarmerLabel);
}
