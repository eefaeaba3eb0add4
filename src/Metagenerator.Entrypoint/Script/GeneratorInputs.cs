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

        foreach (var step in OrDefault(Mg.PushRetry, "PUSH_RETRY", "1")) yield return step;
        // Set only when PUSH_RETRY is given: buildah then keeps its own default number of push retries.
        foreach (var step in Flag(Mg.PushRetryGiven, NonEmpty("PUSH_RETRY"))) yield return step;
        yield return If(Matches(Ref(Mg.PushRetry), ModelNaming.InvalidPushRetryPatterns), Fail("PUSH_RETRY", GeneratorMessages.PushRetryInvalid));
        foreach (var step in OrDefault(Mg.Verbosity, "VERBOSITY", "info")) yield return step;
        yield return If(Not(Matches(Ref(Mg.Verbosity), string.Join('|', ModelNaming.VerbosityLevels))),
            Fail("VERBOSITY", GeneratorMessages.VerbosityInvalid));

        yield return Set(Mg.Created, Ref("CREATED"));
        yield return If(Empty(Mg.Created), new NowStep(Mg.Created));
        yield return Set(Mg.Info, Ref("MODEL_INFO"));
        foreach (var step in OrDefault(Mg.Context, "MODEL_BUILD_CONTEXT", DefaultContextDir)) yield return step;
        yield return Set(Mg.Dockerfile, Cat(Ref(Mg.Context), Str("/"), Ref("MODEL_DOCKERFILE")));
        yield return If(Not(new HostCond(HostQuestion.RegularFile, Ref(Mg.Dockerfile))),
            Fail("MODEL_DOCKERFILE", Cat(Str("MODEL_DOCKERFILE: "), Ref(Mg.Dockerfile),
                Str(" does not exist; MODEL_DOCKERFILE is relative to MODEL_BUILD_CONTEXT ("), Ref(Mg.Context), Str(")"))));

        // A credentials file the builder cannot read (a root-owned 0600 file mounted into an image that runs as uid 1000,
        // as BuildKit's rootless image does) would only show as a refused push (401) after the whole build.
        foreach (var step in OrDefault(Mg.DockerConfig, "DOCKER_CONFIG", DefaultDockerConfig)) yield return step;
        yield return Set(Mg.ConfigJson, Cat(Ref(Mg.DockerConfig), Str("/config.json")));
        yield return If(All(new HostCond(HostQuestion.RegularFile, Ref(Mg.ConfigJson)), Not(new HostCond(HostQuestion.Readable, Ref(Mg.ConfigJson)))),
            Fail("DOCKER_CONFIG", Cat(Str("DOCKER_CONFIG: "), Ref(Mg.ConfigJson), Str(" exists but this generator runs as uid "), new UserIdExpr(),
                Str(", which cannot read it (the registry would refuse the push: 401). Mount a credentials file uid "), new UserIdExpr(),
                Str(" can read: owned by uid "), new UserIdExpr(), Str(" (chown), or mode 0644 (chmod 0644 on the host file)"))));

        // docs/contracts.md §1 (destination) and §3 (label prefix); an empty MODEL_REGISTRY means no registry prefix.
        yield return Set(Mg.Repository, Cat(Str($"{manifest.Name}/{manifest.Version}/"), Ref("MODEL_NAME"), Str(":"), Ref("MODEL_TAG")));
        yield return IfElse(NonEmpty("MODEL_REGISTRY"),
            [Set(Mg.Dest, Cat(Ref("MODEL_REGISTRY"), Str("/"), Ref(Mg.Repository)))],
            [Set(Mg.Dest, Ref(Mg.Repository))]);
        yield return Set(Mg.Prefix, Cat(Str($"{manifest.Name}.{manifest.Version}."), Ref("MODEL_NAME"), Str("."), Ref("MODEL_TAG"), Str(".")));
        yield return Set(Mg.ModelHost, new StripExpr("MODEL_REGISTRY", "/*", FromEnd: true, Longest: true));
        foreach (var step in OrDefault(Mg.DockerConfig, "DOCKER_CONFIG", DefaultDockerConfig)) yield return step;
    }

    private static IEnumerable<Step> NameCheck(string name, string missing, string invalidPatterns, string invalid) =>
    [
        If(Empty(name), Fail(name, missing)),
        If(Matches(Ref(name), invalidPatterns), Fail(name, invalid)),
    ];
}
