using Metagenerator.Manifest;

namespace Metagenerator.Entrypoint;

/// <summary>The default generator base image per builder: an image that contains the builder and a POSIX shell.</summary>
/// <remarks>Pinned tags, so a generator built today runs the same builder tomorrow. Overridable with
/// <c>--generator-base</c> or the manifest's <c>build.base_image</c>.</remarks>
public static class BuilderDefaults
{
    /// <summary>kaniko's executor, debug variant: the only kaniko image with a (busybox) shell.</summary>
    public const string KanikoBaseImage = "gcr.io/kaniko-project/executor:v1.24.0-debug";

    /// <summary>buildah's own image (Fedora based, runs rootless with vfs storage).</summary>
    public const string BuildahBaseImage = "quay.io/buildah/stable:v1.38.0";

    /// <summary>BuildKit rootless: contains <c>buildctl</c> and <c>buildctl-daemonless.sh</c>.</summary>
    public const string BuildKitBaseImage = "moby/buildkit:v0.18.2-rootless";

    /// <summary>The docker CLI with buildx; needs a reachable Docker engine (<c>DOCKER_HOST</c> or a mounted socket).</summary>
    public const string DockerBaseImage = "docker:27.5-cli";

    /// <summary>The default generator base image for <paramref name="builder"/>.</summary>
    public static string BaseImage(BuilderKind builder) => builder switch
    {
        BuilderKind.Kaniko => KanikoBaseImage,
        BuilderKind.Buildah => BuildahBaseImage,
        BuilderKind.BuildKit => BuildKitBaseImage,
        BuilderKind.Docker => DockerBaseImage,
        _ => throw new ArgumentOutOfRangeException(nameof(builder)),
    };
}
