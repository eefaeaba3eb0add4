using Metagenerator.Generator.Script;
using Metagenerator.Manifest;
using static Metagenerator.Generator.Script.Arg;

namespace Metagenerator.Generator.Builders;

/// <summary>Docker: <c>docker buildx build --push</c> against the engine the docker CLI reaches.</summary>
internal sealed class DockerDefinition : BuilderDefinition
{
    public static readonly DockerDefinition Instance = new();

    public const string BuildLabel = "docker buildx build";

    public override BuilderKind Kind => BuilderKind.Docker;

    public override IReadOnlyList<(string Name, string Description)> Settings { get; } =
    [
        ("DOCKER_HOST", "the Docker engine to build with (default: the docker CLI's own default)"),
    ];

    public override IReadOnlyList<CommandTemplate> Commands(GeneratorManifest m)
    {
        List<ArgItem> build =
        [
            When("mg_debug", Lit("--debug")),
            Lit("buildx"), Lit("build"), Lit("--push"),
            Lit("--progress"), Lit("plain"),
            Lit("-f"), Var("mg_dockerfile"),
            Lit("-t"), Var("mg_dest"),
            .. BuildArgItems(m, "--build-arg"),
            .. Labels(m, "--label"),
            When("mg_no_cache", Lit("--no-cache")),
            Splice("mg_extra"),
            Var("mg_context"),
        ];
        // buildx has no push retry of its own: the script re-runs the build (cached) up to PUSH_RETRY times.
        return [new CommandTemplate(BuildLabel, "docker", null, null, "mg_push_retry", build)];
    }

    protected override void Derive(BuildInvocation inv, ScriptValues values)
    {
        values.SetFlag("mg_debug", inv.Verbosity is "debug" or "trace");
        values.SetFlag("mg_no_cache", inv.ExtraFlags.Cache == false);
        values.SetList("mg_extra", inv.ExtraFlags.Unrecognized);
    }

    public override void WriteDerive(ShellWriter w, GeneratorManifest manifest)
    {
        w.Line("mg_debug=''");
        w.Line("case $mg_verbosity in debug|trace) mg_debug=1 ;; esac");
        w.Line("mg_no_cache=''");
        w.Line("if [ \"$mg_cache\" = false ]; then mg_no_cache=1; fi");
        w.Line("mg_extra=$mg_unrecognized");
        w.Comment("The Docker engine decides which registries are insecure (daemon.json), not the client.");
        w.Line("if [ -n \"$mg_insecure_all$mg_insecure_pull$mg_cert_path\" ] || [ \"$mg_insecure_hosts\" != ' ' ]; then");
        w.Line("  printf '%s\\n' 'generator: note: docker ignores the TLS flags of EXTRA_FLAGS; configure insecure registries and certificates in the Docker engine' >&2");
        w.Line("fi");
    }
}
