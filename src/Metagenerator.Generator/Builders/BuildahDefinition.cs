using Metagenerator.Generator.Script;
using Metagenerator.Manifest;
using static Metagenerator.Generator.Script.Arg;

namespace Metagenerator.Generator.Builders;

/// <summary>buildah: <c>buildah bud</c> then <c>buildah push</c>, with kaniko's TLS and cache flags translated.</summary>
internal sealed class BuildahDefinition : BuilderDefinition
{
    public static readonly BuildahDefinition Instance = new();

    public const string BudLabel = "buildah bud";
    public const string PushLabel = "buildah push";

    public override BuilderKind Kind => BuilderKind.Buildah;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("STORAGE_DRIVER", "buildah storage driver (default vfs, which needs no privileges; overlay is faster where allowed)"),
        ("BUILDAH_ISOLATION", "buildah RUN isolation (default chroot, which needs no privileges)"),
    ];

    private static IEnumerable<ArgItem> Global(string subcommand) =>
    [
        Lit("--storage-driver"), Var("mg_storage_driver"),
        Lit("--log-level"), Var("mg_verbosity"),
        Lit(subcommand),
    ];

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        List<ArgItem> bud =
        [
            .. Global("bud"),
            Lit("--isolation"), Var("mg_isolation"),
            Lit("-f"), Var("mg_dockerfile"),
            Lit("-t"), Var("mg_dest"),
            When("mg_authfile", Lit("--authfile"), Var("mg_authfile")),
            When("mg_bud_insecure", Lit("--tls-verify=false")),
            When("mg_cert_dir", Lit("--cert-dir"), Var("mg_cert_dir")),
            When("mg_layers", Lit("--layers")),
            .. BuildArgItems(m, "--build-arg"),
            .. Labels(m, "--label"),
            Splice("mg_extra"),
            Var("mg_context"),
        ];
        List<ArgItem> push =
        [
            .. Global("push"),
            Lit("--retry"), Var("mg_push_retry"),
            When("mg_authfile", Lit("--authfile"), Var("mg_authfile")),
            When("mg_push_insecure", Lit("--tls-verify=false")),
            When("mg_cert_dir", Lit("--cert-dir"), Var("mg_cert_dir")),
            Var("mg_dest"),
            Concat(L("docker://"), V("mg_dest")),
        ];
        // buildah push retries by itself (--retry); bud is not re-run.
        return
        [
            new CommandTemplate(BudLabel, "buildah", null, null, null, bud),
            new CommandTemplate(PushLabel, "buildah", null, null, null, push),
        ];
    }

    protected override void Derive(BuildInvocation inv, ScriptValues values)
    {
        var f = inv.ExtraFlags;
        values.Set("mg_storage_driver", inv.StorageDriver);
        values.Set("mg_isolation", inv.Isolation);
        values.Set("mg_authfile", inv.AuthFile);
        values.SetList("mg_extra", f.Unrecognized);
        values.SetFlag("mg_bud_insecure", f.InsecureAll || f.InsecurePull || f.InsecureHosts.Count > 0);
        values.SetFlag("mg_push_insecure", f.InsecureAll || f.InsecureHosts.Contains(inv.ModelRegistryHost));
        values.Set("mg_cert_dir", string.IsNullOrEmpty(f.CertificatePath) ? "" : DirectoryOf(f.CertificatePath));
        values.SetFlag("mg_layers", f.Cache == true);
    }

    public override void WriteDerive(ShellWriter w, GeneratorManifest manifest)
    {
        w.Line("mg_storage_driver=${STORAGE_DRIVER:-vfs}");
        w.Line("mg_isolation=${BUILDAH_ISOLATION:-chroot}");
        w.Line("mg_authfile=${DOCKER_CONFIG:-/workspace}/config.json");
        w.Comment("buildah refuses to run when DOCKER_CONFIG names a directory without config.json; without one there are no");
        w.Comment("credentials to use, so buildah then looks in its own default places instead.");
        w.Line("if [ ! -f \"$mg_authfile\" ]; then mg_authfile=''; unset DOCKER_CONFIG; fi");
        w.Comment("kaniko's TLS flags become --tls-verify=false: on bud (pulls) for any of them, on push for the");
        w.Comment("global ones and for a per-registry flag that names the model registry host; --cache=true becomes --layers.");
        w.Line("mg_extra=$mg_unrecognized");
        w.Line("mg_bud_insecure=''");
        w.Line("if [ -n \"$mg_insecure_all$mg_insecure_pull\" ] || [ \"$mg_insecure_hosts\" != ' ' ]; then mg_bud_insecure=1; fi");
        w.Line("mg_push_insecure=$mg_insecure_all");
        w.Line("case $mg_insecure_hosts in *\" $mg_model_host \"*) mg_push_insecure=1 ;; esac");
        w.Comment("buildah reads *.crt files from a directory: that of kaniko's --registry-certificate HOST=PATH.");
        w.Line("mg_cert_dir=''");
        w.Line("if [ -n \"$mg_cert_path\" ]; then");
        w.Indented(() =>
        {
            w.Line("case $mg_cert_path in");
            w.Line("  */*) mg_cert_dir=${mg_cert_path%/*}; [ -n \"$mg_cert_dir\" ] || mg_cert_dir=/ ;;");
            w.Line("  *) mg_cert_dir=. ;;");
            w.Line("esac");
        });
        w.Line("fi");
        w.Line("mg_layers=''");
        w.Line("if [ \"$mg_cache\" = true ]; then mg_layers=1; fi");
    }
}
