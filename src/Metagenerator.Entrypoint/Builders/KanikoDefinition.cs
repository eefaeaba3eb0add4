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
        yield return Set("mg_extra", Ref("mg_words"));
        foreach (var step in OrDefault("mg_warm_dir", "mg_cache_dir", DefaultCacheDir)) yield return step;
        foreach (var step in OrDefault("mg_warm_setting", "KANIKO_WARM_CACHE", "auto")) yield return step;
        yield return If(Not(Matches(Ref("mg_warm_setting"), "auto|true|false")),
            Fail("KANIKO_WARM_CACHE", "KANIKO_WARM_CACHE is invalid: it must be auto, true or false"));
        // The warmer downloads every build.cache image in full. That pays only when the cache directory outlives the
        // container (a mounted volume): otherwise the executor asks the registry for the digest anyway, and the
        // container with its copy is removed after the build.
        // mountinfo lists mount points without a trailing slash.
        yield return Set("mg_warm_mount", new StripExpr("mg_warm_dir", "/", FromEnd: true, Longest: false));
        yield return If(Empty("mg_warm_mount"), Set("mg_warm_mount", "/"));
        yield return Set("mg_warm", "");
        yield return If(Equal("mg_cache", "true"),
            If(Equal("mg_warm_setting", "true"), Set("mg_warm", "1")),
            If(Equal("mg_warm_setting", "auto"), If(new HostCond(HostQuestion.MountPoint, Ref("mg_warm_mount")), Set("mg_warm", "1"))));
        if (manifest.BuildCache.Count > 0)
        {
            yield return If(Equal("mg_cache", "true"), If(Empty("mg_warm"),
                Note(Cat(Str("build.cache is not warmed: "), Ref("mg_warm_dir"),
                    Str(" is not a mounted volume (set KANIKO_WARM_CACHE=true to warm it anyway)")))));
        }
        // The warmer only pulls, and has none of the executor's push flags. kaniko v1.24.0's warmer parses
        // --skip-tls-verify-pull but never reads it; its transport (util.MakeTransport) skips verification only for
        // --skip-tls-verify-registry hosts. So skipping verification becomes that flag for each build.cache registry
        // (CacheRegistries, literal words in the command). --insecure-pull is read (remote.RetrieveRemoteImage).
        foreach (var step in Flag("mg_warm_skip", Any(NonEmpty("mg_skip_all"), NonEmpty("mg_skip_pull")))) yield return step;
        yield return Set("mg_warm_tls", "");
        yield return If(Any(NonEmpty("mg_http_all"), NonEmpty("mg_http_pull")), Append("mg_warm_tls", Str("--insecure-pull")));
        yield return ForEach("mg_h", "mg_skip_hosts", Append("mg_warm_tls", Cat(Str("--skip-tls-verify-registry="), Ref("mg_h"))));
        yield return ForEach("mg_h", "mg_http_hosts", Append("mg_warm_tls", Cat(Str("--insecure-registry="), Ref("mg_h"))));
        yield return ForEach("mg_h", "mg_certs", Append("mg_warm_tls", Cat(Str("--registry-certificate="), Ref("mg_h"))));
    }

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        var commands = new List<CommandTemplate>();
        if (m.BuildCache.Count > 0)
        {
            List<ArgItem> warm = [Concat(L("--cache-dir="), V("mg_warm_dir"))];
            warm.AddRange(m.BuildCache.Select(image => Lit("--image=" + image)));
            warm.Add(Concat(L("--verbosity="), V("mg_verbosity")));
            warm.Add(When("mg_warm_skip", [.. CacheRegistries(m.BuildCache).Select(r => Lit("--skip-tls-verify-registry=" + r))]));
            warm.Add(Splice("mg_warm_tls"));
            // Warming is an optimisation: when it fails (a cache image unreachable), the executor pulls bases itself.
            commands.Add(new CommandTemplate(WarmerLabel, WarmerPath, "KANIKO_WARMER", "mg_warm", null, warm, Optional: true));
        }
        List<ArgItem> exec =
        [
            Lit("--dockerfile"), Var("mg_dockerfile"),
            Lit("--context"), Concat(L("dir://"), V("mg_context")),
            Lit("--destination"), Var("mg_dest"),
            .. BuildArgItems(m, "--build-arg"),
            .. Labels(m, "--label"),
            Lit("--push-retry"), Var("mg_push_retry"),
            Lit("--verbosity"), Var("mg_verbosity"),
            Lit("--ignore-path"), Var("mg_context"),
            Splice("mg_extra"),
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
