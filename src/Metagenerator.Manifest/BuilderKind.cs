namespace Metagenerator.Manifest;

/// <summary>The image builder a generator image runs to build and push the model image.</summary>
public enum BuilderKind
{
    /// <summary>kaniko's <c>/kaniko/executor</c> (the default, as in the original generator).</summary>
    Kaniko,

    /// <summary><c>buildah bud</c> then <c>buildah push</c>.</summary>
    Buildah,

    /// <summary><c>buildctl build</c> against <c>BUILDKIT_HOST</c>, or <c>buildctl-daemonless.sh</c> without it.</summary>
    BuildKit,

    /// <summary><c>docker buildx build --push</c>.</summary>
    Docker,
}
