using System.Security.Cryptography;
using System.Text;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.TestSupport.Engine;

/// <summary>
/// <c>gcr.io/kaniko-project/executor:v1.24.0-debug</c> made from the real kaniko programs (<see cref="RealBuilders"/>),
/// laid out as upstream's <c>deploy/Dockerfile</c> stage <c>kaniko-debug</c> lays it out (FROM scratch):
/// <c>/kaniko</c> (0777) with <c>executor</c>, <c>warmer</c>, <c>ssl/certs/ca-certificates.crt</c> and an empty
/// <c>.docker/</c>; <c>/etc/nsswitch.conf</c>; <c>/busybox</c> with busybox and its applets; <c>/bin/sh -&gt; /busybox/sh</c>;
/// upstream's ENV, WORKDIR, VOLUME and ENTRYPOINT; root.
/// </summary>
/// <remarks>What differs from upstream: busybox is Debian's static build (upstream copies busybox:musl's /bin), its
/// applets are symbolic links (upstream's are hard links), the CA bundle is this machine's (Debian's ca-certificates),
/// and the credential helpers (docker-credential-gcr, -ecr-login, -acr-env) are missing: a mounted config.json needs none.</remarks>
public static class KanikoStandIn
{
    /// <summary>The upstream image's name, under which the stand-in is imported.</summary>
    public const string Name = "gcr.io/kaniko-project/executor:v1.24.0-debug";

    /// <summary>Upstream's <c>files/nsswitch.conf</c> at v1.24.0, without its comment header.</summary>
    private const string NsSwitch = """
        passwd:         compat
        group:          compat
        shadow:         compat
        gshadow:        files

        hosts:          files dns
        networks:       files

        protocols:      db files
        services:       db files
        ethers:         db files
        rpc:            db files

        netgroup:       nis

        """;

    private const string HostCaBundle = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>The image config of upstream's kaniko-debug stage, as <c>docker import --change</c> instructions.</summary>
    public static IReadOnlyList<string> Changes { get; } =
    [
        "ENV HOME=/root",
        "ENV USER=root",
        "ENV PATH=/usr/local/bin:/kaniko:/busybox",
        "ENV SSL_CERT_DIR=/kaniko/ssl/certs",
        "ENV DOCKER_CONFIG=/kaniko/.docker/",
        "ENV DOCKER_CREDENTIAL_GCR_CONFIG=/kaniko/.config/gcloud/docker_credential_gcr_config.json",
        "WORKDIR /workspace",
        "VOLUME /busybox",
        "ENTRYPOINT [\"/kaniko/executor\"]",
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _tar;

    /// <summary>The root filesystem as a tar under <see cref="StandInImage.CacheDirectory"/>, keyed by a hash of the
    /// layout and of every file put in; made once and reused by later runs.</summary>
    public static async Task<string> RootFilesystemAsync(CancellationToken ct = default)
    {
        await Gate.WaitAsync(ct);
        try
        {
            return _tar ??= await BuildAsync(ct);
        }
        finally { Gate.Release(); }
    }

    /// <summary>Makes <paramref name="reference"/> in a test registry hold the stand-in, and the engine have it under both
    /// names (<see cref="StandInPush"/>).</summary>
    public static async Task PushAsync(DockerEngine engine, string reference, SkopeoAuth auth, CancellationToken ct = default)
    {
        await StandInPush.PushAsync(engine, await RootFilesystemAsync(ct), Name, Changes, reference, auth, ct);
    }

    private static async Task<string> BuildAsync(CancellationToken ct)
    {
        var programs = await RealBuilders.UnpackAsync(ct);
        var busybox = ExternalTool.Require("busybox");
        var inputs = new[] { Path.Combine(programs, "executor"), Path.Combine(programs, "warmer"), busybox, HostCaBundle };
        var key = new StringBuilder().AppendLine(NsSwitch).AppendJoin('\n', Changes).AppendLine();
        foreach (var input in inputs)
        {
            await using var stream = File.OpenRead(input);
            key.AppendLine(Convert.ToHexString(await SHA256.HashDataAsync(stream, ct)));
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16].ToLowerInvariant();
        Directory.CreateDirectory(StandInImage.CacheDirectory);
        const string slug = "kaniko-executor-debug";
        var tar = Path.Combine(StandInImage.CacheDirectory, $"{slug}-{hash}.tar");
        if (File.Exists(tar)) return tar;

        using var stage = new TempDirectory("mg-kaniko-standin");
        var root = stage.Combine("root");
        var kaniko = Path.Combine(root, "kaniko");
        Directory.CreateDirectory(Path.Combine(kaniko, "ssl", "certs"));
        Directory.CreateDirectory(Path.Combine(kaniko, ".docker"));
        File.SetUnixFileMode(kaniko, (UnixFileMode)0b111_111_111); // 0777: upstream lets a non-root user write there
        File.Copy(Path.Combine(programs, "executor"), Path.Combine(kaniko, "executor"));
        File.Copy(Path.Combine(programs, "warmer"), Path.Combine(kaniko, "warmer"));
        File.Copy(HostCaBundle, Path.Combine(kaniko, "ssl", "certs", "ca-certificates.crt"));
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "nsswitch.conf"), NsSwitch, ct);
        var busyboxDir = Path.Combine(root, "busybox");
        Directory.CreateDirectory(busyboxDir);
        File.Copy(busybox, Path.Combine(busyboxDir, "busybox"));
        var applets = (await ExternalTool.RunAsync(busybox, ["--list"], ct: ct)).EnsureSuccess().StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var applet in applets.Where(a => a != "busybox"))
            File.CreateSymbolicLink(Path.Combine(busyboxDir, applet), "busybox");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.CreateSymbolicLink(Path.Combine(root, "bin", "sh"), "/busybox/sh");

        var partial = tar + ".partial-" + Environment.ProcessId;
        (await ExternalTool.RunAsync("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", root, "-cf", partial, "."], ct: ct)).EnsureSuccess();
        File.Move(partial, tar, overwrite: true);
        foreach (var old in Directory.EnumerateFiles(StandInImage.CacheDirectory, slug + "-*.tar").Where(f => f != tar))
        {
            File.Delete(old);
            StandInPush.DeletePushedCopies(old);
        }
        return tar;
    }
}
