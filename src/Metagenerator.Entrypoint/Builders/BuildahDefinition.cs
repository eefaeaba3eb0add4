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
        foreach (var step in OrDefault(Mg.StorageDriver, "STORAGE_DRIVER", "vfs")) yield return step;
        foreach (var step in OrDefault(Mg.Isolation, "BUILDAH_ISOLATION", "chroot")) yield return step;
        // buildah reads -f as a comma-separated list: a path with a comma would become two Dockerfiles.
        yield return If(Matches(Ref(Mg.Dockerfile), "*,*"),
            Fail("MODEL_DOCKERFILE", Cat(Str("MODEL_DOCKERFILE: "), Ref(Mg.Dockerfile),
                Str(" contains a comma, which buildah's -f cannot take; rename the Dockerfile or its directory"))));
        // buildah refuses to run when DOCKER_CONFIG names a directory without config.json; without one there are no
        // credentials to use, so buildah then looks in its own default places instead.
        yield return Set(Mg.Authfile, Cat(Ref(Mg.DockerConfig), Str("/config.json")));
        yield return If(Not(new HostCond(HostQuestion.RegularFile, Ref(Mg.Authfile))), Set(Mg.Authfile, ""), new UnsetStep("DOCKER_CONFIG"));
        // kaniko's TLS flags become --tls-verify=false: on bud (pulls) for any of them, on push for the global ones and
        // for a per-registry flag that names the model registry host; --cache=true becomes --layers.
        yield return Set(Mg.Extra, Ref(Mg.Unrecognized));
        foreach (var step in Flag(Mg.BudInsecure, Any(NonEmpty(Mg.InsecureAll), NonEmpty(Mg.InsecurePull), NonEmpty(Mg.InsecureHosts))))
            yield return step;
        foreach (var step in Flag(Mg.PushInsecure, Any(NonEmpty(Mg.InsecureAll), HasWord(Mg.InsecureHosts, Ref(Mg.ModelHost)))))
            yield return step;
        // buildah reads *.crt files from a directory: that of kaniko's --registry-certificate HOST=PATH.
        yield return Set(Mg.CertDir, "");
        yield return If(NonEmpty(Mg.CertPath), Case(Ref(Mg.CertPath),
            Arm("*/*", Set(Mg.CertDir, new StripExpr(Mg.CertPath, "/*", FromEnd: true, Longest: false)),
                If(Empty(Mg.CertDir), Set(Mg.CertDir, "/"))),
            Arm("*", Set(Mg.CertDir, "."))));
        foreach (var step in Flag(Mg.Layers, Equal(Mg.Cache, "true"))) yield return step;
    }

    private static IEnumerable<ArgItem> Global(string subcommand) =>
    [
        Lit("--storage-driver"), Var(Mg.StorageDriver),
        Lit("--log-level"), Var(Mg.Verbosity),
        Lit(subcommand),
    ];

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        List<ArgItem> bud =
        [
            .. Global("bud"),
            Lit("--isolation"), Var(Mg.Isolation),
            Lit("-f"), Var(Mg.Dockerfile),
            Lit("-t"), Var(Mg.Dest),
            When(Mg.Authfile, Lit("--authfile"), Var(Mg.Authfile)),
            When(Mg.BudInsecure, Lit("--tls-verify=false")),
            When(Mg.CertDir, Lit("--cert-dir"), Var(Mg.CertDir)),
            When(Mg.Layers, Lit("--layers")),
            .. BuildArgItems(m, "--build-arg"),
            .. Labels(m, "--label"),
            Splice(Mg.Extra),
            Var(Mg.Context),
        ];
        List<ArgItem> push =
        [
            .. Global("push"),
            // Without PUSH_RETRY buildah keeps its own default (3 retries) rather than the contract's default of 1.
            When(Mg.PushRetryGiven, Lit("--retry"), Var(Mg.PushRetry)),
            When(Mg.Authfile, Lit("--authfile"), Var(Mg.Authfile)),
            When(Mg.PushInsecure, Lit("--tls-verify=false")),
            When(Mg.CertDir, Lit("--cert-dir"), Var(Mg.CertDir)),
            Var(Mg.Dest),
            Concat(L("docker://"), V(Mg.Dest)),
        ];
        // buildah push retries by itself (--retry); bud is not re-run.
        return
        [
            new CommandTemplate(BudLabel, "buildah", null, null, null, bud),
            new CommandTemplate(PushLabel, "buildah", null, null, null, push),
        ];
    }
}
