using Metagenerator.Entrypoint.Script;
using Metagenerator.Manifest;
using static Metagenerator.Entrypoint.Script.Arg;
using static Metagenerator.Entrypoint.Script.Stmt;

namespace Metagenerator.Entrypoint.Builders;

/// <summary>BuildKit: <c>buildctl --addr $BUILDKIT_HOST build</c> against a running daemon, else <c>buildctl-daemonless.sh build</c>.</summary>
internal sealed class BuildKitDefinition : BuilderDefinition
{
    public static readonly BuildKitDefinition Instance = new();

    public const string RemoteLabel = "buildctl build";
    public const string DaemonlessLabel = "buildctl-daemonless.sh build";

    /// <summary>The buildkitd flag without which rootless buildkitd cannot start in a container without extra privileges.</summary>
    public const string NoProcessSandbox = "--oci-worker-no-process-sandbox";

    /// <summary>Characters allowed in a registry host and a certificate path written into buildkitd.toml (no quoting needed).</summary>
    private const string UnsafeTomlPatterns = "*[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/:=-]*";

    public override BuilderKind Kind => BuilderKind.BuildKit;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("BUILDKIT_HOST", "address of a BuildKit daemon (tcp://host:1234, unix:///path); unset, empty or a unix socket that does not exist "
            + "(the rootless image's own, nobody started it): start one with buildctl-daemonless.sh"),
        ("BUILDKIT_TLS_CA_CERT", "remote BuildKit behind mTLS: the CA certificate file (buildctl --tlscacert)"),
        ("BUILDKIT_TLS_CERT", "remote BuildKit behind mTLS: the client certificate file (buildctl --tlscert)"),
        ("BUILDKIT_TLS_KEY", "remote BuildKit behind mTLS: the client key file (buildctl --tlskey)"),
        ("BUILDKIT_TLS_SERVER_NAME", "remote BuildKit behind mTLS: the server name to verify (buildctl --tlsservername)"),
        ("BUILDKITD_FLAGS", "daemonless: flags for buildkitd (default " + NoProcessSandbox + "); the generator adds --config for "
            + "kaniko's TLS flags"),
    ];

    /// <summary>What a plain <c>docker run</c> needs for daemonless BuildKit (BuildKit's docs for its rootless image).</summary>
    public const string DaemonlessRunOptions = "--security-opt seccomp=unconfined --security-opt apparmor=unconfined";

    public override string RunRequirements =>
        "Daemonless BuildKit runs rootlesskit as uid 1000 and needs 'docker run " + DaemonlessRunOptions + "' (the generator sets BUILDKITD_FLAGS=" + NoProcessSandbox + "). The Model API's "
        + "unprivileged run can only use BuildKit through a remote BUILDKIT_HOST. A remote daemon decides itself which "
        + "registries are insecure (its buildkitd.toml); kaniko's TLS flags then only reach the push.";

    public override IEnumerable<Step> Derive(GeneratorManifest manifest)
    {
        yield return Set(Mg.BuildKitHost, Ref("BUILDKIT_HOST"));
        // moby/buildkit:*-rootless sets BUILDKIT_HOST to the socket of its own daemon, which nobody started in a
        // generator container: a unix socket that does not exist means daemonless.
        yield return Case(Ref(Mg.BuildKitHost), Arm("unix://*",
            Set(Mg.Socket, new StripExpr(Mg.BuildKitHost, "unix://", FromEnd: false, Longest: false)),
            If(Not(new HostCond(HostQuestion.Socket, Ref(Mg.Socket))),
                Note(Cat(Str("BUILDKIT_HOST="), Ref(Mg.BuildKitHost), Str(" is not a running daemon's socket: building daemonless"))),
                Set(Mg.BuildKitHost, ""))));
        foreach (var step in Flag(Mg.Remote, NonEmpty(Mg.BuildKitHost))) yield return step;
        foreach (var step in Flag(Mg.Local, Empty(Mg.BuildKitHost))) yield return step;
        foreach (var step in Flag(Mg.Debug, Matches(Ref(Mg.Verbosity), "debug|trace"))) yield return step;
        yield return Set(Mg.TlsCa, Ref("BUILDKIT_TLS_CA_CERT"));
        yield return Set(Mg.TlsCert, Ref("BUILDKIT_TLS_CERT"));
        yield return Set(Mg.TlsKey, Ref("BUILDKIT_TLS_KEY"));
        yield return Set(Mg.TlsName, Ref("BUILDKIT_TLS_SERVER_NAME"));
        yield return Set(Mg.DockerfileDir, new StripExpr(Mg.Dockerfile, "/*", FromEnd: true, Longest: false));
        yield return If(Empty(Mg.DockerfileDir), Set(Mg.DockerfileDir, "/"));
        yield return Set(Mg.DockerfileName, new StripExpr(Mg.Dockerfile, "*/", FromEnd: false, Longest: true));
        // kaniko's --skip-tls-verify/--insecure, or a per-registry flag naming the model registry host: push insecurely.
        yield return Set(Mg.OutputExtra, "");
        yield return If(Any(NonEmpty(Mg.InsecureAll), HasWord(Mg.InsecureHosts, Ref(Mg.ModelHost))),
            Set(Mg.OutputExtra, ",registry.insecure=true"));
        foreach (var step in Flag(Mg.NoCache, Equal(Mg.Cache, "false"))) yield return step;
        yield return Set(Mg.Extra, Ref(Mg.Unrecognized));
        yield return If(NonEmpty(Mg.Local), [.. DaemonlessConfig()]);
    }

    /// <summary>Daemonless: kaniko's TLS flags reach the pulls too, through a buildkitd.toml with one
    /// <c>[registry."HOST"]</c> table per registry (<c>http</c> for --insecure*, <c>insecure</c> for both spellings,
    /// <c>ca</c> and <c>http = false</c> for --registry-certificate); the global flags apply to the model registry.</summary>
    private static IEnumerable<Step> DaemonlessConfig()
    {
        // Under the container engine's default seccomp (and AppArmor) profile rootlesskit cannot create its user namespace;
        // buildctl-daemonless.sh would only say "could not connect … after 10 trials" and print rootlesskit's log.
        yield return If(Not(new HostCond(HostQuestion.RootlessKitStarts, Str("rootlesskit"))),
            Fail("BUILDKIT_HOST", Cat(Str("BUILDKIT_HOST: no BuildKit daemon is named, and daemonless BuildKit cannot start here: rootlesskit (as uid "),
                new UserIdExpr(), Str(") cannot create its user namespace under the container's default seccomp/AppArmor profiles. "
                + "Run the generator with 'docker run " + DaemonlessRunOptions + " ...', or set BUILDKIT_HOST to a running BuildKit daemon "
                + "(tcp://HOST:1234, in the manifest's config or with docker run -e)"))));
        yield return Set(Mg.TomlHosts, "");
        yield return If(NonEmpty(Mg.InsecureAll), Append(Mg.TomlHosts, Ref(Mg.ModelHost)));
        yield return ForEach(Mg.Host, Mg.InsecureHosts, If(Not(HasWord(Mg.TomlHosts, Ref(Mg.Host))), Append(Mg.TomlHosts, Ref(Mg.Host))));
        yield return ForEach(Mg.Cert, Mg.Certs,
            Set(Mg.Host, new StripExpr(Mg.Cert, "=*", FromEnd: true, Longest: true)),
            If(Not(HasWord(Mg.TomlHosts, Ref(Mg.Host))), Append(Mg.TomlHosts, Ref(Mg.Host))));
        yield return Set(Mg.Toml, "");
        yield return ForEach(Mg.Host, Mg.TomlHosts,
            If(Matches(Ref(Mg.Host), UnsafeTomlPatterns),
                Fail("EXTRA_FLAGS", Cat(Str("EXTRA_FLAGS: registry '"), Ref(Mg.Host), Str("' has characters a registry host cannot have")))),
            Set(Mg.Toml, Cat(Ref(Mg.Toml), Str("[registry.\""), Ref(Mg.Host), Str("\"]\n"))),
            Set(Mg.HostHttp, ""),
            If(Any(HasWord(Mg.HttpHosts, Ref(Mg.Host)), All(NonEmpty(Mg.HttpAll), new EqualCond(Ref(Mg.Host), Ref(Mg.ModelHost)))),
                Set(Mg.HostHttp, "1"),
                Set(Mg.Toml, Cat(Ref(Mg.Toml), Str("  http = true\n")))),
            If(Any(HasWord(Mg.InsecureHosts, Ref(Mg.Host)), All(NonEmpty(Mg.InsecureAll), new EqualCond(Ref(Mg.Host), Ref(Mg.ModelHost)))),
                Set(Mg.Toml, Cat(Ref(Mg.Toml), Str("  insecure = true\n")))),
            Set(Mg.CaList, ""),
            ForEach(Mg.Cert, Mg.Certs,
                If(new EqualCond(new StripExpr(Mg.Cert, "=*", FromEnd: true, Longest: true), Ref(Mg.Host)),
                    Set(Mg.Value, new StripExpr(Mg.Cert, "*=", FromEnd: false, Longest: false)),
                    If(Matches(Ref(Mg.Value), UnsafeTomlPatterns),
                        Fail("EXTRA_FLAGS", Cat(Str("EXTRA_FLAGS: --registry-certificate path '"), Ref(Mg.Value), Str("' must be letters, digits and ._/:=-")))),
                    If(NonEmpty(Mg.CaList), Set(Mg.CaList, Cat(Ref(Mg.CaList), Str(", ")))),
                    Set(Mg.CaList, Cat(Ref(Mg.CaList), Str("\""), Ref(Mg.Value), Str("\""))))),
            If(NonEmpty(Mg.CaList), Set(Mg.Toml, Cat(Ref(Mg.Toml), Str("  ca = ["), Ref(Mg.CaList), Str("]\n")))),
            // BuildKit takes a registry on localhost or 127.x for plain HTTP unless the table says otherwise: a certificate
            // means HTTPS.
            If(All(NonEmpty(Mg.CaList), Empty(Mg.HostHttp)), Set(Mg.Toml, Cat(Ref(Mg.Toml), Str("  http = false\n")))));
        yield return Set(Mg.BuildKitdFlags, Ref("BUILDKITD_FLAGS"));
        yield return If(Empty(Mg.BuildKitdFlags), Set(Mg.BuildKitdFlags, NoProcessSandbox));
        yield return If(NonEmpty(Mg.Toml),
            Set(Mg.Tmp, Ref("TMPDIR")),
            If(Empty(Mg.Tmp), Set(Mg.Tmp, "/tmp")),
            Set(Mg.TomlPath, Cat(Ref(Mg.Tmp), Str("/metagenerator-buildkitd.toml"))),
            If(Matches(Ref(Mg.TomlPath), UnsafeTomlPatterns),
                Fail("TMPDIR", Cat(Str("TMPDIR: "), Ref(Mg.Tmp), Str(" must be a path of letters, digits and ._/:=- (it is passed in BUILDKITD_FLAGS)")))),
            new WriteFileStep(Ref(Mg.TomlPath), Ref(Mg.Toml)),
            Set(Mg.BuildKitdFlags, Cat(Ref(Mg.BuildKitdFlags), Str(" --config="), Ref(Mg.TomlPath))));
        yield return Set("BUILDKITD_FLAGS", Ref(Mg.BuildKitdFlags));
        yield return new ExportStep("BUILDKITD_FLAGS");
    }

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        List<ArgItem> build =
        [
            Lit("build"),
            Lit("--progress"), Lit("plain"),
            Lit("--frontend"), Lit("dockerfile.v0"),
            Lit("--local"), Concat(L("context="), V(Mg.Context)),
            Lit("--local"), Concat(L("dockerfile="), V(Mg.DockerfileDir)),
            Lit("--opt"), Concat(L("filename="), V(Mg.DockerfileName)),
            .. BuildArgItems(m, "--opt", "build-arg:"),
            .. Labels(m, "--opt", "label:"),
            When(Mg.NoCache, Lit("--no-cache")),
            Lit("--output"), Concat(L("type=image,name="), V(Mg.Dest), L(",push=true"), V(Mg.OutputExtra)),
            Splice(Mg.Extra),
        ];
        List<ArgItem> remote =
        [
            When(Mg.Debug, Lit("--debug")),
            Lit("--addr"), Var(Mg.BuildKitHost),
            When(Mg.TlsCa, Lit("--tlscacert"), Var(Mg.TlsCa)),
            When(Mg.TlsCert, Lit("--tlscert"), Var(Mg.TlsCert)),
            When(Mg.TlsKey, Lit("--tlskey"), Var(Mg.TlsKey)),
            When(Mg.TlsName, Lit("--tlsservername"), Var(Mg.TlsName)),
            .. build,
        ];
        List<ArgItem> local = [When(Mg.Debug, Lit("--debug")), .. build];
        // buildctl has no push retry of its own: the script re-runs the build (cached) up to PUSH_RETRY times.
        return
        [
            new CommandTemplate(RemoteLabel, "buildctl", null, Mg.Remote, Mg.PushRetry, remote),
            new CommandTemplate(DaemonlessLabel, "buildctl-daemonless.sh", null, Mg.Local, Mg.PushRetry, local),
        ];
    }
}
