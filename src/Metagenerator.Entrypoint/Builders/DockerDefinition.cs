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
        foreach (var step in Flag(Mg.Debug, Matches(Ref(Mg.Verbosity), "debug|trace"))) yield return step;
        foreach (var step in Flag(Mg.NoCache, Equal(Mg.Cache, "false"))) yield return step;
        yield return Set(Mg.Extra, Ref(Mg.Unrecognized));
        yield return If(Any(NonEmpty(Mg.InsecureAll), NonEmpty(Mg.InsecurePull), NonEmpty(Mg.CertPath), NonEmpty(Mg.InsecureHosts)),
            Note(Str("docker ignores the TLS flags of EXTRA_FLAGS; configure insecure registries and certificates in the Docker engine")));
        // Checked once, before any build: without the plugin 'docker buildx' fails with "'buildx' is not a docker
        // command", which a retried build would only repeat.
        yield return new ProbeStep(Mg.BuildxStatus, BuildxProbe);
        yield return Set(Mg.Buildx, "");
        yield return Set(Mg.Classic, "");
        yield return Case(Ref(Mg.BuildxStatus),
            Arm("0", Set(Mg.Buildx, "1")),
            Arm("126|127", Fail("docker", "docker: the docker CLI cannot be run here; is the generator base image right for the docker builder?")),
            Arm("*", Set(Mg.Classic, "1"),
                Note(Str("docker buildx is not available: building with docker build, then pushing with docker push"))));
    }

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        IEnumerable<ArgItem> Common() =>
        [
            Lit("-f"), Var(Mg.Dockerfile),
            Lit("-t"), Var(Mg.Dest),
            .. BuildArgItems(m, "--build-arg"),
            .. Labels(m, "--label"),
            When(Mg.NoCache, Lit("--no-cache")),
            Splice(Mg.Extra),
            Var(Mg.Context),
        ];
        List<ArgItem> buildx = [When(Mg.Debug, Lit("--debug")), Lit("buildx"), Lit("build"), Lit("--push"), Lit("--progress"), Lit("plain"), .. Common()];
        List<ArgItem> build = [When(Mg.Debug, Lit("--debug")), Lit("build"), .. Common()];
        List<ArgItem> push = [When(Mg.Debug, Lit("--debug")), Lit("push"), Var(Mg.Dest)];
        // buildx has no push retry of its own: the script re-runs the build (cached) up to PUSH_RETRY times; without
        // buildx only the push is retried.
        return
        [
            new CommandTemplate(BuildxLabel, "docker", null, Mg.Buildx, Mg.PushRetry, buildx),
            new CommandTemplate(BuildLabel, "docker", null, Mg.Classic, null, build),
            new CommandTemplate(PushLabel, "docker", null, Mg.Classic, Mg.PushRetry, push),
        ];
    }
}
