using Metagenerator.Entrypoint.Script;
using Metagenerator.Manifest;
using static Metagenerator.Entrypoint.Script.Arg;
using static Metagenerator.Entrypoint.Script.Stmt;

namespace Metagenerator.Entrypoint.Builders;

/// <summary>buildah: <c>buildah bud</c> then <c>buildah push</c>, with kaniko's TLS and cache flags translated.</summary>
internal sealed class BuildahDefinition : BuilderDefinition
{
    public static readonly BuildahDefinition Instance = new();

    public const string BudLabel = "buildah bud";
    public const string PushLabel = "buildah push";

    /// <summary>What a <c>docker run</c> of a buildah-based generator must add (RUN steps create mount and UTS
    /// namespaces even under chroot isolation, and vfs needs no fuse).</summary>
    /// <remarks>THE ONE PLACE for buildah's run privileges (help text and README quote it). Measured in a real engine
    /// (Engine.Tests BuildahPrivilegeTests, issue 13 item 6): without CAP_SYS_ADMIN buildah enters a user namespace,
    /// which only Docker's default seccomp profile refuses; no capability or device has to be added.</remarks>
    public const string DockerRunFlags = "--security-opt seccomp=unconfined";

    public override BuilderKind Kind => BuilderKind.Buildah;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("STORAGE_DRIVER", "buildah storage driver (default vfs, which needs no privileges; overlay is faster where allowed)"),
        ("BUILDAH_ISOLATION", "buildah RUN isolation (default chroot, which needs no privileges)"),
    ];

    public override string RunRequirements =>
        "buildah's RUN steps create namespaces even under chroot isolation: 'docker run' needs " + DockerRunFlags
        + " (or --cap-add SYS_ADMIN where user namespaces are not allowed; add --security-opt apparmor=unconfined where"
        + " AppArmor denies mount). The Model API's unprivileged run cannot use buildah.";

    public override IEnumerable<Step> Derive(GeneratorManifest manifest)
    {
        foreach (var step in OrDefault("mg_storage_driver", "STORAGE_DRIVER", "vfs")) yield return step;
        foreach (var step in OrDefault("mg_isolation", "BUILDAH_ISOLATION", "chroot")) yield return step;
        // buildah reads -f as a comma-separated list: a path with a comma would become two Dockerfiles.
        yield return If(Matches(Ref("mg_dockerfile"), "*,*"),
            Fail("MODEL_DOCKERFILE", Cat(Str("MODEL_DOCKERFILE: "), Ref("mg_dockerfile"),
                Str(" contains a comma, which buildah's -f cannot take; rename the Dockerfile or its directory"))));
        // buildah refuses to run when DOCKER_CONFIG names a directory without config.json; without one there are no
        // credentials to use, so buildah then looks in its own default places instead.
        yield return Set("mg_authfile", Cat(Ref("mg_docker_config"), Str("/config.json")));
        yield return If(Not(new HostCond(HostQuestion.RegularFile, Ref("mg_authfile"))), Set("mg_authfile", ""), new UnsetStep("DOCKER_CONFIG"));
        // kaniko's TLS flags become --tls-verify=false: on bud (pulls) for any of them, on push for the global ones and
        // for a per-registry flag that names the model registry host; --cache=true becomes --layers.
        yield return Set("mg_extra", Ref("mg_unrecognized"));
        foreach (var step in Flag("mg_bud_insecure", Any(NonEmpty("mg_insecure_all"), NonEmpty("mg_insecure_pull"), NonEmpty("mg_insecure_hosts"))))
            yield return step;
        foreach (var step in Flag("mg_push_insecure", Any(NonEmpty("mg_insecure_all"), HasWord("mg_insecure_hosts", Ref("mg_model_host")))))
            yield return step;
        // buildah reads *.crt files from a directory: that of kaniko's --registry-certificate HOST=PATH.
        yield return Set("mg_cert_dir", "");
        yield return If(NonEmpty("mg_cert_path"), Case(Ref("mg_cert_path"),
            Arm("*/*", Set("mg_cert_dir", new StripExpr("mg_cert_path", "/*", FromEnd: true, Longest: false)),
                If(Empty("mg_cert_dir"), Set("mg_cert_dir", "/"))),
            Arm("*", Set("mg_cert_dir", "."))));
        foreach (var step in Flag("mg_layers", Equal("mg_cache", "true"))) yield return step;
    }

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
            // Without PUSH_RETRY buildah keeps its own default (3 retries) rather than the contract's default of 1.
            When("mg_push_retry_given", Lit("--retry"), Var("mg_push_retry")),
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
}
