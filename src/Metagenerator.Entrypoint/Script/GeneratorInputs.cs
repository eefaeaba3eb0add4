using Metagenerator.Manifest;
using static Metagenerator.Entrypoint.Script.Stmt;

namespace Metagenerator.Entrypoint.Script;

/// <summary>The steps every generator script runs first, whatever the builder: the defaults, the checks of its reserved
/// inputs, the destination and label prefix of docs/contracts.md §1 and §3.</summary>
internal static class GeneratorInputs
{
    /// <summary>The default model source directory inside a generator image.</summary>
    public const string DefaultContextDir = GeneratorImageLayout.ModelSource;

    /// <summary>The default of <c>DOCKER_CONFIG</c> inside a generator image (where <c>config.json</c> is mounted).</summary>
    public const string DefaultDockerConfig = GeneratorImageLayout.Workspace;

    /// <summary>The steps, in order.</summary>
    public static IEnumerable<Step> Steps(GeneratorManifest manifest)
    {
        // A config key or build parameter set in the environment wins even when set to '' (MODEL_REGISTRY= means no prefix).
        foreach (var (key, value) in manifest.Config)
            yield return If(Not(new IsSetCond(key)), Set(key, value.Text));
        foreach (var p in manifest.BuildParameters)
            yield return If(Not(new IsSetCond(p.Name)), Set(p.Name, p.Value.Text));

        // MODEL_NAME and MODEL_TAG become part of the image name and label keys: check them before any build.
        foreach (var step in NameCheck("MODEL_NAME", GeneratorMessages.ModelNameMissing, ModelNaming.InvalidModelNamePatterns, GeneratorMessages.ModelNameInvalid))
            yield return step;
        foreach (var step in NameCheck("MODEL_TAG", GeneratorMessages.ModelTagMissing, ModelNaming.InvalidModelTagPatterns, GeneratorMessages.ModelTagInvalid))
            yield return step;
        yield return If(new LongerCond("MODEL_TAG", ModelNaming.MaxTagLength), Fail("MODEL_TAG", GeneratorMessages.ModelTagInvalid));
        foreach (var name in new[] { "MODEL_NAME", "MODEL_TAG" })
        {
            yield return If(Matches(Ref(name), ModelNaming.OutsideModelApiPatterns),
                Warn(Cat(Str(name + " '"), Ref(name), Str("'" + GeneratorMessages.OutsideModelApi))));
        }

        foreach (var step in OrDefault("mg_push_retry", "PUSH_RETRY", "1")) yield return step;
        // Set only when PUSH_RETRY is given: buildah then keeps its own default number of push retries.
        foreach (var step in Flag("mg_push_retry_given", NonEmpty("PUSH_RETRY"))) yield return step;
        yield return If(Matches(Ref("mg_push_retry"), ModelNaming.InvalidPushRetryPatterns), Fail("PUSH_RETRY", GeneratorMessages.PushRetryInvalid));
        foreach (var step in OrDefault("mg_verbosity", "VERBOSITY", "info")) yield return step;
        yield return If(Not(Matches(Ref("mg_verbosity"), string.Join('|', ModelNaming.VerbosityLevels))),
            Fail("VERBOSITY", GeneratorMessages.VerbosityInvalid));

        yield return Set("mg_created", Ref("CREATED"));
        yield return If(Empty("mg_created"), new NowStep("mg_created"));
        yield return Set("mg_info", Ref("MODEL_INFO"));
        foreach (var step in OrDefault("mg_context", "MODEL_BUILD_CONTEXT", DefaultContextDir)) yield return step;
        yield return Set("mg_dockerfile", Cat(Ref("mg_context"), Str("/"), Ref("MODEL_DOCKERFILE")));
        yield return If(Not(new HostCond(HostQuestion.RegularFile, Ref("mg_dockerfile"))),
            Fail("MODEL_DOCKERFILE", Cat(Str("MODEL_DOCKERFILE: "), Ref("mg_dockerfile"),
                Str(" does not exist; MODEL_DOCKERFILE is relative to MODEL_BUILD_CONTEXT ("), Ref("mg_context"), Str(")"))));

        // A credentials file the builder cannot read (a root-owned 0600 file mounted into an image that runs as uid 1000,
        // as BuildKit's rootless image does) would only show as a refused push (401) after the whole build.
        foreach (var step in OrDefault("mg_docker_config", "DOCKER_CONFIG", DefaultDockerConfig)) yield return step;
        yield return Set("mg_config_json", Cat(Ref("mg_docker_config"), Str("/config.json")));
        yield return If(All(new HostCond(HostQuestion.RegularFile, Ref("mg_config_json")), Not(new HostCond(HostQuestion.Readable, Ref("mg_config_json")))),
            Fail("DOCKER_CONFIG", Cat(Str("DOCKER_CONFIG: "), Ref("mg_config_json"), Str(" exists but this generator runs as uid "), new UserIdExpr(),
                Str(", which cannot read it (the registry would refuse the push: 401). Mount a credentials file uid "), new UserIdExpr(),
                Str(" can read: owned by uid "), new UserIdExpr(), Str(" (chown), or mode 0644 (chmod 0644 on the host file)"))));

        // docs/contracts.md §1 (destination) and §3 (label prefix); an empty MODEL_REGISTRY means no registry prefix.
        yield return Set("mg_repository", Cat(Str($"{manifest.Name}/{manifest.Version}/"), Ref("MODEL_NAME"), Str(":"), Ref("MODEL_TAG")));
        yield return IfElse(NonEmpty("MODEL_REGISTRY"),
            [Set("mg_dest", Cat(Ref("MODEL_REGISTRY"), Str("/"), Ref("mg_repository")))],
            [Set("mg_dest", Ref("mg_repository"))]);
        yield return Set("mg_prefix", Cat(Str($"{manifest.Name}.{manifest.Version}."), Ref("MODEL_NAME"), Str("."), Ref("MODEL_TAG"), Str(".")));
        yield return Set("mg_model_host", new StripExpr("MODEL_REGISTRY", "/*", FromEnd: true, Longest: true));
        foreach (var step in OrDefault("mg_docker_config", "DOCKER_CONFIG", DefaultDockerConfig)) yield return step;
    }

    private static IEnumerable<Step> NameCheck(string name, string missing, string invalidPatterns, string invalid) =>
    [
        If(Empty(name), Fail(name, missing)),
        If(Matches(Ref(name), invalidPatterns), Fail(name, invalid)),
    ];
}
