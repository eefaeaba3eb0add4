using Metagenerator.Generator.Script;
using Metagenerator.Manifest;
using static Metagenerator.Generator.Script.Arg;

namespace Metagenerator.Generator.Builders;

/// <summary>kaniko: the optional warmer, then the executor with the original generator's arguments (CONTRACTS §4).</summary>
internal sealed class KanikoDefinition : BuilderDefinition
{
    public static readonly KanikoDefinition Instance = new();

    public const string WarmerLabel = "kaniko warmer";
    public const string ExecutorLabel = "kaniko executor";

    public override BuilderKind Kind => BuilderKind.Kaniko;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("KANIKO_EXECUTOR", "path of the kaniko executor (default " + KanikoBuilder.ExecutorPath + ")"),
        ("KANIKO_WARMER", "path of the kaniko warmer (default " + KanikoBuilder.WarmerPath + ")"),
    ];

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        var commands = new List<CommandTemplate>();
        if (m.BuildCache.Count > 0)
        {
            List<ArgItem> warm = [Concat(L("--cache-dir="), V("mg_warm_dir"))];
            warm.AddRange(m.BuildCache.Select(image => Lit("--image=" + image)));
            warm.Add(Concat(L("--verbosity="), V("mg_verbosity")));
            // Warming is an optimisation: when it fails (a cache image unreachable), the executor pulls bases itself.
            commands.Add(new CommandTemplate(WarmerLabel, KanikoBuilder.WarmerPath, "KANIKO_WARMER", "mg_warm", null, warm, Optional: true));
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
        commands.Add(new CommandTemplate(ExecutorLabel, KanikoBuilder.ExecutorPath, "KANIKO_EXECUTOR", null, null, exec));
        return commands;
    }

    protected override void Derive(BuildInvocation inv, ScriptValues values)
    {
        var flags = inv.ExtraFlags;
        values.SetList("mg_extra", flags.Words);
        values.SetFlag("mg_warm", flags.Cache == true);
        values.Set("mg_warm_dir", string.IsNullOrEmpty(flags.CacheDir) ? KanikoBuilder.DefaultCacheDir : flags.CacheDir);
    }

    public override void WriteDerive(ShellWriter w, GeneratorManifest manifest)
    {
        w.Comment("kaniko gets every EXTRA_FLAGS word; --cache=true also warms build.cache into the executor's cache directory.");
        w.Line("mg_extra=$mg_words");
        w.Line("mg_warm=''");
        w.Line("if [ \"$mg_cache\" = true ]; then mg_warm=1; fi");
        w.Line("mg_warm_dir=$mg_cache_dir");
        w.Line($"[ -n \"$mg_warm_dir\" ] || mg_warm_dir={ShellQuote.Literal(KanikoBuilder.DefaultCacheDir)}");
    }
}
