using Metagenerator.Generator.Script;
using Metagenerator.Manifest;
using static Metagenerator.Generator.Script.Arg;

namespace Metagenerator.Generator.Builders;

/// <summary>BuildKit: <c>buildctl --addr $BUILDKIT_HOST build</c>, or <c>buildctl-daemonless.sh build</c> when BUILDKIT_HOST is unset.</summary>
internal sealed class BuildKitDefinition : BuilderDefinition
{
    public static readonly BuildKitDefinition Instance = new();

    public const string RemoteLabel = "buildctl build";
    public const string DaemonlessLabel = "buildctl-daemonless.sh build";

    public override BuilderKind Kind => BuilderKind.BuildKit;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("BUILDKIT_HOST", "address of a BuildKit daemon (tcp://host:1234, unix:///path); unset: start one with buildctl-daemonless.sh"),
    ];

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        List<ArgItem> build =
        [
            Lit("build"),
            Lit("--progress"), Lit("plain"),
            Lit("--frontend"), Lit("dockerfile.v0"),
            Lit("--local"), Concat(L("context="), V("mg_context")),
            Lit("--local"), Concat(L("dockerfile="), V("mg_df_dir")),
            Lit("--opt"), Concat(L("filename="), V("mg_df_name")),
            .. BuildArgItems(m, "--opt", "build-arg:"),
            .. Labels(m, "--opt", "label:"),
            When("mg_no_cache", Lit("--no-cache")),
            Lit("--output"), Concat(L("type=image,name="), V("mg_dest"), L(",push=true"), V("mg_output_extra")),
            Splice("mg_extra"),
        ];
        List<ArgItem> remote = [When("mg_debug", Lit("--debug")), Lit("--addr"), Var("mg_buildkit_host"), .. build];
        List<ArgItem> local = [When("mg_debug", Lit("--debug")), .. build];
        // buildctl has no push retry of its own: the script re-runs the build (cached) up to PUSH_RETRY times.
        return
        [
            new CommandTemplate(RemoteLabel, "buildctl", null, "mg_remote", "mg_push_retry", remote),
            new CommandTemplate(DaemonlessLabel, "buildctl-daemonless.sh", null, "mg_local", "mg_push_retry", local),
        ];
    }

    protected override void Derive(BuildInvocation inv, ScriptValues values)
    {
        var f = inv.ExtraFlags;
        values.Set("mg_buildkit_host", inv.BuildKitHost);
        values.SetFlag("mg_remote", inv.BuildKitHost.Length > 0);
        values.SetFlag("mg_local", inv.BuildKitHost.Length == 0);
        values.SetFlag("mg_debug", inv.Verbosity is "debug" or "trace");
        values.Set("mg_df_dir", DirectoryOf(inv.DockerfilePath));
        values.Set("mg_df_name", inv.DockerfilePath[(inv.DockerfilePath.LastIndexOf('/') + 1)..]);
        values.Set("mg_output_extra",
            f.InsecureAll || f.InsecureHosts.Contains(inv.ModelRegistryHost) ? ",registry.insecure=true" : "");
        values.SetFlag("mg_no_cache", f.Cache == false);
        values.SetList("mg_extra", f.Unrecognized);
    }

    public override void WriteDerive(ShellWriter w, GeneratorManifest manifest)
    {
        w.Line("mg_buildkit_host=${BUILDKIT_HOST-}");
        w.Line("mg_remote=''; mg_local=''");
        w.Line("if [ -n \"$mg_buildkit_host\" ]; then mg_remote=1; else mg_local=1; fi");
        w.Line("mg_debug=''");
        w.Line("case $mg_verbosity in debug|trace) mg_debug=1 ;; esac");
        w.Line("mg_df_dir=${mg_dockerfile%/*}");
        w.Line("[ -n \"$mg_df_dir\" ] || mg_df_dir=/");
        w.Line("mg_df_name=${mg_dockerfile##*/}");
        w.Comment("kaniko's --skip-tls-verify/--insecure, or a per-registry flag naming the model registry host: push insecurely.");
        w.Line("mg_output_extra=''");
        w.Line("if [ -n \"$mg_insecure_all\" ]; then mg_output_extra=,registry.insecure=true; fi");
        w.Line("case $mg_insecure_hosts in *\" $mg_model_host \"*) mg_output_extra=,registry.insecure=true ;; esac");
        w.Line("mg_no_cache=''");
        w.Line("if [ \"$mg_cache\" = false ]; then mg_no_cache=1; fi");
        w.Line("mg_extra=$mg_unrecognized");
    }
}
