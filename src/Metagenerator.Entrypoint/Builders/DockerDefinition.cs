using Metagenerator.Entrypoint.Script;
using Metagenerator.Manifest;
using static Metagenerator.Entrypoint.Script.Arg;
using static Metagenerator.Entrypoint.Script.Stmt;

namespace Metagenerator.Entrypoint.Builders;

/// <summary>Docker: <c>docker buildx build --push</c> against the engine the docker CLI reaches; without the buildx
/// plugin (Debian's docker.io, older CLIs), <c>docker build</c> followed by <c>docker push</c>.</summary>
internal sealed class DockerDefinition : BuilderDefinition
{
    public static readonly DockerDefinition Instance = new();

    public const string BuildxLabel = "docker buildx build";
    public const string BuildLabel = "docker build";
    public const string PushLabel = "docker push";

    /// <summary>The capability check, run once before any build.</summary>
    public static readonly IReadOnlyList<string> BuildxProbe = ["docker", "buildx", "version"];

    public override BuilderKind Kind => BuilderKind.Docker;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("DOCKER_HOST", "the Docker engine to build with (default: the docker CLI's own default, /var/run/docker.sock)"),
    ];

    public override string RunRequirements =>
        "docker builds with the engine the docker CLI reaches: mount its socket (-v /var/run/docker.sock:/var/run/docker.sock) "
        + "or set DOCKER_HOST. The engine, not the generator, decides which registries are insecure (daemon.json).";

    public override IEnumerable<Step> Derive(GeneratorManifest manifest)
    {
        foreach (var step in Flag("mg_debug", Matches(Ref("mg_verbosity"), "debug|trace"))) yield return step;
        foreach (var step in Flag("mg_no_cache", Equal("mg_cache", "false"))) yield return step;
        yield return Set("mg_extra", Ref("mg_unrecognized"));
        yield return If(Any(NonEmpty("mg_insecure_all"), NonEmpty("mg_insecure_pull"), NonEmpty("mg_cert_path"), NonEmpty("mg_insecure_hosts")),
            Note(Str("docker ignores the TLS flags of EXTRA_FLAGS; configure insecure registries and certificates in the Docker engine")));
        // Checked once, before any build: without the plugin 'docker buildx' fails with "'buildx' is not a docker
        // command", which a retried build would only repeat.
        yield return new ProbeStep("mg_buildx_status", BuildxProbe);
        yield return Set("mg_buildx", "");
        yield return Set("mg_classic", "");
        yield return Case(Ref("mg_buildx_status"),
            Arm("0", Set("mg_buildx", "1")),
            Arm("126|127", Fail("docker", "docker: the docker CLI cannot be run here; is the generator base image right for the docker builder?")),
            Arm("*", Set("mg_classic", "1"),
                Note(Str("docker buildx is not available: building with docker build, then pushing with docker push"))));
    }

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        IEnumerable<ArgItem> Common() =>
        [
            Lit("-f"), Var("mg_dockerfile"),
            Lit("-t"), Var("mg_dest"),
            .. BuildArgItems(m, "--build-arg"),
            .. Labels(m, "--label"),
            When("mg_no_cache", Lit("--no-cache")),
            Splice("mg_extra"),
            Var("mg_context"),
        ];
        List<ArgItem> buildx = [When("mg_debug", Lit("--debug")), Lit("buildx"), Lit("build"), Lit("--push"), Lit("--progress"), Lit("plain"), .. Common()];
        List<ArgItem> build = [When("mg_debug", Lit("--debug")), Lit("build"), .. Common()];
        List<ArgItem> push = [When("mg_debug", Lit("--debug")), Lit("push"), Var("mg_dest")];
        // buildx has no push retry of its own: the script re-runs the build (cached) up to PUSH_RETRY times; without
        // buildx only the push is retried.
        return
        [
            new CommandTemplate(BuildxLabel, "docker", null, "mg_buildx", "mg_push_retry", buildx),
            new CommandTemplate(BuildLabel, "docker", null, "mg_classic", null, build),
            new CommandTemplate(PushLabel, "docker", null, "mg_classic", "mg_push_retry", push),
        ];
    }
}
