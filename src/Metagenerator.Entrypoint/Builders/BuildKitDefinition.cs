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
        yield return Set("mg_buildkit_host", Ref("BUILDKIT_HOST"));
        // moby/buildkit:*-rootless sets BUILDKIT_HOST to the socket of its own daemon, which nobody started in a
        // generator container: a unix socket that does not exist means daemonless.
        yield return Case(Ref("mg_buildkit_host"), Arm("unix://*",
            Set("mg_socket", new StripExpr("mg_buildkit_host", "unix://", FromEnd: false, Longest: false)),
            If(Not(new HostCond(HostQuestion.Socket, Ref("mg_socket"))),
                Note(Cat(Str("BUILDKIT_HOST="), Ref("mg_buildkit_host"), Str(" is not a running daemon's socket: building daemonless"))),
                Set("mg_buildkit_host", ""))));
        foreach (var step in Flag("mg_remote", NonEmpty("mg_buildkit_host"))) yield return step;
        foreach (var step in Flag("mg_local", Empty("mg_buildkit_host"))) yield return step;
        foreach (var step in Flag("mg_debug", Matches(Ref("mg_verbosity"), "debug|trace"))) yield return step;
        yield return Set("mg_tls_ca", Ref("BUILDKIT_TLS_CA_CERT"));
        yield return Set("mg_tls_cert", Ref("BUILDKIT_TLS_CERT"));
        yield return Set("mg_tls_key", Ref("BUILDKIT_TLS_KEY"));
        yield return Set("mg_tls_name", Ref("BUILDKIT_TLS_SERVER_NAME"));
        yield return Set("mg_df_dir", new StripExpr("mg_dockerfile", "/*", FromEnd: true, Longest: false));
        yield return If(Empty("mg_df_dir"), Set("mg_df_dir", "/"));
        yield return Set("mg_df_name", new StripExpr("mg_dockerfile", "*/", FromEnd: false, Longest: true));
        // kaniko's --skip-tls-verify/--insecure, or a per-registry flag naming the model registry host: push insecurely.
        yield return Set("mg_output_extra", "");
        yield return If(Any(NonEmpty("mg_insecure_all"), HasWord("mg_insecure_hosts", Ref("mg_model_host"))),
            Set("mg_output_extra", ",registry.insecure=true"));
        foreach (var step in Flag("mg_no_cache", Equal("mg_cache", "false"))) yield return step;
        yield return Set("mg_extra", Ref("mg_unrecognized"));
        yield return If(NonEmpty("mg_local"), [.. DaemonlessConfig()]);
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
        yield return Set("mg_toml_hosts", "");
        yield return If(NonEmpty("mg_insecure_all"), Append("mg_toml_hosts", Ref("mg_model_host")));
        yield return ForEach("mg_h", "mg_insecure_hosts", If(Not(HasWord("mg_toml_hosts", Ref("mg_h"))), Append("mg_toml_hosts", Ref("mg_h"))));
        yield return ForEach("mg_c", "mg_certs",
            Set("mg_h", new StripExpr("mg_c", "=*", FromEnd: true, Longest: true)),
            If(Not(HasWord("mg_toml_hosts", Ref("mg_h"))), Append("mg_toml_hosts", Ref("mg_h"))));
        yield return Set("mg_toml", "");
        yield return ForEach("mg_h", "mg_toml_hosts",
            If(Matches(Ref("mg_h"), UnsafeTomlPatterns),
                Fail("EXTRA_FLAGS", Cat(Str("EXTRA_FLAGS: registry '"), Ref("mg_h"), Str("' has characters a registry host cannot have")))),
            Set("mg_toml", Cat(Ref("mg_toml"), Str("[registry.\""), Ref("mg_h"), Str("\"]\n"))),
            Set("mg_h_http", ""),
            If(Any(HasWord("mg_http_hosts", Ref("mg_h")), All(NonEmpty("mg_http_all"), new EqualCond(Ref("mg_h"), Ref("mg_model_host")))),
                Set("mg_h_http", "1"),
                Set("mg_toml", Cat(Ref("mg_toml"), Str("  http = true\n")))),
            If(Any(HasWord("mg_insecure_hosts", Ref("mg_h")), All(NonEmpty("mg_insecure_all"), new EqualCond(Ref("mg_h"), Ref("mg_model_host")))),
                Set("mg_toml", Cat(Ref("mg_toml"), Str("  insecure = true\n")))),
            Set("mg_ca", ""),
            ForEach("mg_c", "mg_certs",
                If(new EqualCond(new StripExpr("mg_c", "=*", FromEnd: true, Longest: true), Ref("mg_h")),
                    Set("mg_value", new StripExpr("mg_c", "*=", FromEnd: false, Longest: false)),
                    If(Matches(Ref("mg_value"), UnsafeTomlPatterns),
                        Fail("EXTRA_FLAGS", Cat(Str("EXTRA_FLAGS: --registry-certificate path '"), Ref("mg_value"), Str("' must be letters, digits and ._/:=-")))),
                    If(NonEmpty("mg_ca"), Set("mg_ca", Cat(Ref("mg_ca"), Str(", ")))),
                    Set("mg_ca", Cat(Ref("mg_ca"), Str("\""), Ref("mg_value"), Str("\""))))),
            If(NonEmpty("mg_ca"), Set("mg_toml", Cat(Ref("mg_toml"), Str("  ca = ["), Ref("mg_ca"), Str("]\n")))),
            // BuildKit takes a registry on localhost or 127.x for plain HTTP unless the table says otherwise: a certificate
            // means HTTPS.
            If(All(NonEmpty("mg_ca"), Empty("mg_h_http")), Set("mg_toml", Cat(Ref("mg_toml"), Str("  http = false\n")))));
        yield return Set("mg_buildkitd_flags", Ref("BUILDKITD_FLAGS"));
        yield return If(Empty("mg_buildkitd_flags"), Set("mg_buildkitd_flags", NoProcessSandbox));
        yield return If(NonEmpty("mg_toml"),
            Set("mg_tmp", Ref("TMPDIR")),
            If(Empty("mg_tmp"), Set("mg_tmp", "/tmp")),
            Set("mg_toml_path", Cat(Ref("mg_tmp"), Str("/metagenerator-buildkitd.toml"))),
            If(Matches(Ref("mg_toml_path"), UnsafeTomlPatterns),
                Fail("TMPDIR", Cat(Str("TMPDIR: "), Ref("mg_tmp"), Str(" must be a path of letters, digits and ._/:=- (it is passed in BUILDKITD_FLAGS)")))),
            new WriteFileStep(Ref("mg_toml_path"), Ref("mg_toml")),
            Set("mg_buildkitd_flags", Cat(Ref("mg_buildkitd_flags"), Str(" --config="), Ref("mg_toml_path"))));
        yield return Set("BUILDKITD_FLAGS", Ref("mg_buildkitd_flags"));
        yield return new ExportStep("BUILDKITD_FLAGS");
    }

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
        List<ArgItem> remote =
        [
            When("mg_debug", Lit("--debug")),
            Lit("--addr"), Var("mg_buildkit_host"),
            When("mg_tls_ca", Lit("--tlscacert"), Var("mg_tls_ca")),
            When("mg_tls_cert", Lit("--tlscert"), Var("mg_tls_cert")),
            When("mg_tls_key", Lit("--tlskey"), Var("mg_tls_key")),
            When("mg_tls_name", Lit("--tlsservername"), Var("mg_tls_name")),
            .. build,
        ];
        List<ArgItem> local = [When("mg_debug", Lit("--debug")), .. build];
        // buildctl has no push retry of its own: the script re-runs the build (cached) up to PUSH_RETRY times.
        return
        [
            new CommandTemplate(RemoteLabel, "buildctl", null, "mg_remote", "mg_push_retry", remote),
            new CommandTemplate(DaemonlessLabel, "buildctl-daemonless.sh", null, "mg_local", "mg_push_retry", local),
        ];
    }
}
