using Metagenerator.Entrypoint.Script;
using Metagenerator.Manifest;
using static Metagenerator.Entrypoint.Script.Arg;
using static Metagenerator.Entrypoint.Script.Stmt;

namespace Metagenerator.Entrypoint.Builders;

/// <summary>kaniko: the cache warmer where it pays, then the executor with the original generator's arguments (docs/contracts.md §4).</summary>
internal sealed class KanikoDefinition : BuilderDefinition
{
    public static readonly KanikoDefinition Instance = new();

    /// <summary>The executor inside kaniko's image.</summary>
    public const string ExecutorPath = "/kaniko/executor";

    /// <summary>The cache warmer inside kaniko's image.</summary>
    public const string WarmerPath = "/kaniko/warmer";

    /// <summary>The base-image cache directory both the warmer and the executor use by default.</summary>
    public const string DefaultCacheDir = "/cache";

    public const string WarmerLabel = "kaniko warmer";
    public const string ExecutorLabel = "kaniko executor";

    public override BuilderKind Kind => BuilderKind.Kaniko;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("KANIKO_EXECUTOR", "path of the kaniko executor (default " + ExecutorPath + ")"),
        ("KANIKO_WARMER", "path of the kaniko warmer (default " + WarmerPath + ")"),
        ("KANIKO_WARM_CACHE", "with EXTRA_FLAGS --cache=true, warm build.cache into the cache directory first: auto (default: only when "
            + "the cache directory is a mounted volume, which outlives the container), true (always) or false (never)"),
    ];

    public override string RunRequirements =>
        "kaniko runs under a plain 'docker run' (the Model API's unprivileged run). Mount a volume on the cache directory "
        + "(" + DefaultCacheDir + " or EXTRA_FLAGS --cache-dir) to keep warmed base images between runs.";

    public override IEnumerable<Step> Derive(GeneratorManifest manifest)
    {
        yield return Set(Mg.Extra, Ref(Mg.Words));
        foreach (var step in OrDefault(Mg.WarmDir, Mg.CacheDir, DefaultCacheDir)) yield return step;
        foreach (var step in OrDefault(Mg.WarmSetting, "KANIKO_WARM_CACHE", "auto")) yield return step;
        yield return If(Not(Matches(Ref(Mg.WarmSetting), "auto|true|false")),
            Fail("KANIKO_WARM_CACHE", "KANIKO_WARM_CACHE is invalid: it must be auto, true or false"));
        // The warmer downloads every build.cache image in full. That pays only when the cache directory outlives the
        // container (a mounted volume): otherwise the executor asks the registry for the digest anyway, and the
        // container with its copy is removed after the build.
        // mountinfo lists mount points without a trailing slash.
        yield return Set(Mg.WarmMount, new StripExpr(Mg.WarmDir, "/", FromEnd: true, Longest: false));
        yield return If(Empty(Mg.WarmMount), Set(Mg.WarmMount, "/"));
        yield return Set(Mg.Warm, "");
        yield return If(Equal(Mg.Cache, "true"),
            If(Equal(Mg.WarmSetting, "true"), Set(Mg.Warm, "1")),
            If(Equal(Mg.WarmSetting, "auto"), If(new HostCond(HostQuestion.MountPoint, Ref(Mg.WarmMount)), Set(Mg.Warm, "1"))));
        if (manifest.BuildCache.Count > 0)
        {
            yield return If(Equal(Mg.Cache, "true"), If(Empty(Mg.Warm),
                Note(Cat(Str("build.cache is not warmed: "), Ref(Mg.WarmDir),
                    Str(" is not a mounted volume (set KANIKO_WARM_CACHE=true to warm it anyway)")))));
        }
        // The warmer only pulls, and has none of the executor's push flags. kaniko v1.24.0's warmer parses
        // --skip-tls-verify-pull but never reads it; its transport (util.MakeTransport) skips verification only for
        // --skip-tls-verify-registry hosts. So skipping verification becomes that flag for each build.cache registry
        // (CacheRegistries, literal words in the command). --insecure-pull is read (remote.RetrieveRemoteImage).
        foreach (var step in Flag(Mg.WarmSkip, Any(NonEmpty(Mg.SkipAll), NonEmpty(Mg.SkipPull)))) yield return step;
        yield return Set(Mg.WarmTls, "");
        yield return If(Any(NonEmpty(Mg.HttpAll), NonEmpty(Mg.HttpPull)), Append(Mg.WarmTls, Str("--insecure-pull")));
        yield return ForEach(Mg.Host, Mg.SkipHosts, Append(Mg.WarmTls, Cat(Str("--skip-tls-verify-registry="), Ref(Mg.Host))));
        yield return ForEach(Mg.Host, Mg.HttpHosts, Append(Mg.WarmTls, Cat(Str("--insecure-registry="), Ref(Mg.Host))));
        yield return ForEach(Mg.Host, Mg.Certs, Append(Mg.WarmTls, Cat(Str("--registry-certificate="), Ref(Mg.Host))));
    }

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        var commands = new List<CommandTemplate>();
        if (m.BuildCache.Count > 0)
        {
            List<ArgItem> warm = [Concat(L("--cache-dir="), V(Mg.WarmDir))];
            warm.AddRange(m.BuildCache.Select(image => Lit("--image=" + image)));
            warm.Add(Concat(L("--verbosity="), V(Mg.Verbosity)));
            warm.Add(When(Mg.WarmSkip, [.. CacheRegistries(m.BuildCache).Select(r => Lit("--skip-tls-verify-registry=" + r))]));
            warm.Add(Splice(Mg.WarmTls));
            // Warming is an optimisation: when it fails (a cache image unreachable), the executor pulls bases itself.
            commands.Add(new CommandTemplate(WarmerLabel, WarmerPath, "KANIKO_WARMER", Mg.Warm, null, warm, Optional: true));
        }
        List<ArgItem> exec =
        [
            Lit("--dockerfile"), Var(Mg.Dockerfile),
            Lit("--context"), Concat(L("dir://"), V(Mg.Context)),
            Lit("--destination"), Var(Mg.Dest),
            .. BuildArgItems(m, "--build-arg"),
            .. Labels(m, "--label"),
            Lit("--push-retry"), Var(Mg.PushRetry),
            Lit("--verbosity"), Var(Mg.Verbosity),
            Lit("--ignore-path"), Var(Mg.Context),
            Splice(Mg.Extra),
        ];
        // kaniko retries the push itself (--push-retry), so the script does not re-run it.
        commands.Add(new CommandTemplate(ExecutorLabel, ExecutorPath, "KANIKO_EXECUTOR", null, null, exec));
        return commands;
    }

    /// <summary>The registries of <paramref name="images"/>, each once, as kaniko names them when it matches
    /// <c>--skip-tls-verify-registry</c> (go-containerregistry's <c>name.ParseReference</c>): the part before the first
    /// <c>/</c> when it holds a <c>.</c> or <c>:</c>, else Docker Hub (<c>index.docker.io</c>; <c>docker.io</c> too).</summary>
    internal static IReadOnlyList<string> CacheRegistries(IEnumerable<string> images) =>
        images.Select(image =>
        {
            var slash = image.IndexOf('/');
            var first = slash > 0 ? image[..slash] : "";
            return first.Contains('.') || first.Contains(':') ? (first == "docker.io" ? DockerHub : first) : DockerHub;
        }).Distinct(StringComparer.Ordinal).ToList();

    private const string DockerHub = "index.docker.io";
}
