namespace Metagenerator.TestSupport.Engine;

/// <summary>
/// <c>moby/buildkit:v0.18.2-rootless</c>, laid out as upstream's Dockerfile (stage <c>rootless</c>) lays it out, on Debian
/// bookworm instead of Alpine: the real buildkitd, buildctl, buildctl-daemonless.sh and runc (as buildkit-runc) from
/// <see cref="RealBuilders"/>, Debian's rootlesskit (1.1.0; upstream builds v2.3.1) and uidmap, user <c>user</c> (1000)
/// with <c>user:100000:65536</c> sub-ids. Debian's setuid newuidmap/newgidmap lack shadow's capability code and would need
/// CAP_SYS_ADMIN in a container: they get file capabilities instead (../shared/tools/builders/README.md).
/// </summary>
public static class BuildKitStandIn
{
    public const string Name = "moby/buildkit:v0.18.2-rootless";

    /// <summary>The socket upstream's image names in BUILDKIT_HOST (nobody starts a daemon there in a generator run).</summary>
    public const string OwnSocket = "unix:///run/user/1000/buildkit/buildkitd.sock";

    /// <summary>The recipe; unpacks the real builders first (their directory is part of the recipe).</summary>
    public static async Task<StandInImage> CreateAsync(CancellationToken ct = default)
    {
        var builders = await RealBuilders.UnpackAsync(ct);
        return new StandInImage
        {
            Name = Name,
            Packages = ["rootlesskit", "uidmap", "libcap2-bin", "fuse-overlayfs", "fuse3", "pigz", "git", "xz-utils", "ca-certificates"],
            CustomizeHooks =
            [
                $"for f in buildkitd buildctl buildctl-daemonless.sh; do install -m 0755 '{builders}'/$f \"$1/usr/bin/$f\" || exit 1; done"
                + $" && install -m 0755 '{builders}/runc' \"$1/usr/bin/buildkit-runc\"",
                "chroot \"$1\" useradd --create-home --uid 1000 --user-group --shell /bin/sh user",
                "echo user:100000:65536 > \"$1/etc/subuid\" && echo user:100000:65536 > \"$1/etc/subgid\"",
                "mkdir -p \"$1/run/user/1000\" \"$1/home/user/.local/tmp\" \"$1/home/user/.local/share/buildkit\""
                + " && chown -R 1000:1000 \"$1/run/user/1000\" \"$1/home/user\" && chmod 0700 \"$1/run/user/1000\"",
                "chmod u-s \"$1/usr/bin/newuidmap\" \"$1/usr/bin/newgidmap\""
                + " && chroot \"$1\" setcap cap_setuid,cap_setfcap+ep /usr/bin/newuidmap && chroot \"$1\" setcap cap_setgid+ep /usr/bin/newgidmap",
                "rm -rf \"$1/var/lib/apt/lists\"/* \"$1/var/cache/apt\"/* \"$1/usr/share/doc\" \"$1/usr/share/man\"",
            ],
            // mmdebstrap empties /run at the end unless told not to; upstream's image has /run/user/1000.
            Skips = ["cleanup/run"],
            HostInputs = [Path.Combine(builders, "VERSIONS")],
            Changes =
            [
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ENV HOME=/home/user",
                "ENV USER=user",
                "ENV XDG_RUNTIME_DIR=/run/user/1000",
                "ENV TMPDIR=/home/user/.local/tmp",
                "ENV BUILDKIT_HOST=" + OwnSocket,
                "VOLUME /home/user/.local/share/buildkit",
                "USER 1000:1000",
                "ENTRYPOINT [\"rootlesskit\", \"buildkitd\"]",
            ],
        };
    }
}
