using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Engine.Tests;

/// <summary>
/// Issue 13 item 6: the least a <c>docker run</c> of a buildah-based generator needs, found in the real engine. buildah
/// (chroot isolation, vfs) runs each RUN step in new mount and UTS namespaces. Without CAP_SYS_ADMIN it first enters a
/// user namespace, which Docker's default seccomp profile refuses. So one of two relaxations is needed:
/// <c>--security-opt seccomp=unconfined</c> (no capability added; the namespaces belong to a user namespace) or
/// <c>--cap-add SYS_ADMIN</c> (default seccomp profile, which allows unshare and mount to that capability).
/// The first is the smaller grant. No device is needed (vfs, no fuse). This machine has no AppArmor, so the
/// docker-default AppArmor profile (which denies mount) could not be tried here.
/// </summary>
[Collection(EngineCollections.BuildahFailures)]
[Tier(Tier.Engine)]
public class BuildahPrivilegeTests(EngineFixture fixture)
{
    private readonly GeneratorRuns _runs = new(fixture);

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Without_privileges_buildah_is_refused_its_user_namespace()
    {
        using var ws = await _runs.PushGeneratorAsync("priv-none", "buildah", await fixture.BuildahBaseAsync());

        var run = await _runs.RunLikeModelApiAsync(ws, []);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("unshare(CLONE_NEWUSER): Operation not permitted", run.StdOut + run.StdErr);
        Assert.Contains("generator: error: buildah", run.StdErr);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Seccomp_unconfined_without_the_default_capabilities_cannot_map_the_user_namespace()
    {
        using var ws = await _runs.PushGeneratorAsync("priv-nocaps", "buildah", await fixture.BuildahBaseAsync());

        // The user namespace needs CAP_SETUID/CAP_SETGID (in Docker's default set) to write its id maps.
        var run = await _runs.RunLikeModelApiAsync(ws, [.. GeneratorRuns.BuildahLeastPrivilege, "--cap-drop", "ALL"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("gid_map: operation not permitted", run.StdOut + run.StdErr);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task The_generators_help_states_the_privilege_found_here()
    {
        using var ws = await _runs.PushGeneratorAsync("priv-help", "buildah", await fixture.BuildahBaseAsync());

        var help = await fixture.RunAsync([ws.GeneratorImage, "help"]);

        Assert.True(help.ExitCode == 0, help.StdOut + help.StdErr);
        Assert.Contains("'docker run' needs " + string.Join(' ', GeneratorRuns.BuildahLeastPrivilege), help.StdOut);
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Cap_sys_admin_with_the_default_seccomp_profile_also_works()
    {
        using var ws = await _runs.PushGeneratorAsync("priv-sysadmin", "buildah", await fixture.BuildahBaseAsync());

        var run = await _runs.RunLikeModelApiAsync(ws, ["--cap-add", "SYS_ADMIN"]);

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        await _runs.AssertModelImageAsync(ws);
    }
}
