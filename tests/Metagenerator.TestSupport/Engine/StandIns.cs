namespace Metagenerator.TestSupport.Engine;

/// <summary>The stand-ins the engine tests need, each as close to its upstream image as Debian packages make it.</summary>
public static class StandIns
{
    private const string CaBundle = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>
    /// <c>mcr.microsoft.com/dotnet/sdk:10.0-noble-aot</c>: this machine's .NET SDK in /usr/share/dotnet, with clang and
    /// zlib for NativeAOT, the machine's CA bundle and its NuGet revocation mode (NuGet is reached as the host reaches it).
    /// </summary>
    public static StandInImage DotnetSdkAot()
    {
        var dotnetRoot = DotnetRoot();
        var changes = new List<string> { "ENV DOTNET_NOLOGO=1", "ENV DOTNET_CLI_TELEMETRY_OPTOUT=1" };
        if (Environment.GetEnvironmentVariable("NUGET_CERT_REVOCATION_MODE") is { Length: > 0 } mode)
            changes.Add("ENV NUGET_CERT_REVOCATION_MODE=" + mode);
        return new StandInImage
        {
            Name = "mcr.microsoft.com/dotnet/sdk:10.0-noble-aot",
            Packages = ["clang", "binutils", "zlib1g-dev", "libicu72", "ca-certificates"],
            CustomizeHooks =
            [
                $"mkdir -p \"$1/usr/share/dotnet\" && cp -a '{dotnetRoot}/.' \"$1/usr/share/dotnet/\" && ln -sf /usr/share/dotnet/dotnet \"$1/usr/bin/dotnet\""
                + " && rm -rf \"$1/usr/share/dotnet/shared/Microsoft.AspNetCore.App\" \"$1/usr/share/dotnet/packs/Microsoft.AspNetCore.App.Ref\"",
                $"cp '{CaBundle}' \"$1{CaBundle}\"",
            ],
            HostInputs = [dotnetRoot, Path.Combine(dotnetRoot, "sdk"), Path.Combine(dotnetRoot, "shared", "Microsoft.NETCore.App"), CaBundle],
            Changes = changes,
        };
    }

    /// <summary>
    /// <c>mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled</c>: glibc, OpenSSL, libstdc++, zlib and CA
    /// certificates, unpacked without running any package script; no shell, no package manager, no /tmp; user app (1654).
    /// </summary>
    public static StandInImage RuntimeDepsChiseled() => new()
    {
        Name = "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled",
        Variant = "extract",
        Packages = ["libc6", "libssl3", "libgcc-s1", "libstdc++6", "zlib1g", "ca-certificates"],
        CustomizeHooks =
        [
            $"mkdir -p \"$1/etc/ssl/certs\" && cp '{CaBundle}' \"$1{CaBundle}\"",
            "printf 'root:x:0:0:root:/root:/sbin/nologin\\napp:x:1654:1654:app:/home/app:/sbin/nologin\\n' > \"$1/etc/passwd\"",
            "printf 'root:x:0:\\napp:x:1654:\\n' > \"$1/etc/group\"",
            "rm -rf \"$1/tmp\" \"$1/var/lib/dpkg\" \"$1/var/lib/apt\" \"$1/etc/apt\" \"$1/usr/share/doc\" \"$1/usr/share/man\"",
        ],
        HostInputs = [CaBundle],
        Changes = ["ENV APP_UID=1654", "USER 1654"],
    };

    /// <summary>A buildah generator base: Debian bookworm with its buildah package (the upstream one is quay.io/buildah/stable).</summary>
    public static StandInImage DebianBuildah() => new()
    {
        Name = "mg-standin/debian-buildah:bookworm",
        Packages = ["buildah"],
        Changes = ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    };

    /// <summary>
    /// A docker generator base: Debian bookworm with the docker.io client (no buildx plugin, like any CLI without it);
    /// the daemon's binaries are removed, the generator talks to the engine through a mounted socket.
    /// </summary>
    public static StandInImage DebianDockerCli() => new()
    {
        Name = "mg-standin/debian-docker-cli:bookworm",
        Packages = ["docker.io"],
        CustomizeHooks = ["rm -f \"$1/usr/sbin/dockerd\" \"$1/usr/bin/containerd\" \"$1/usr/bin/containerd-shim-runc-v2\" \"$1/usr/sbin/runc\" \"$1/usr/bin/ctr\""],
        Changes = ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    };

    /// <summary>The directory of this machine's .NET installation (the real path behind <c>dotnet</c> on PATH).</summary>
    public static string DotnetRoot()
    {
        var dotnet = ExternalTool.Require("dotnet");
        var real = new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet;
        return Path.GetDirectoryName(real)!;
    }
}
