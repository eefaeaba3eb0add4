using System.Text;
using System.Text.Json;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.Engine.Tests;

/// <summary>Every engine test shares one engine, one registry and the images built in them (built once per run).</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}

/// <summary>
/// A private dockerd and a TLS registry with Basic auth on 127.0.0.1 (as a Model API installation has), the user's
/// credentials in a Docker config.json, and, built lazily once: the metagenerator image from the repository's
/// Dockerfile (over stand-ins of its upstream bases), the generator bases, and a busybox base for model Dockerfiles.
/// </summary>
public sealed partial class EngineFixture : IAsyncLifetime
{
    public const string User = "modeller";
    public const string Password = "engine-s3cret";
    public const string MetageneratorImage = "metagenerator";

    private readonly TempDirectory _dir = new("mg-engine");
    private readonly Lazy<Task> _metagenerator;
    private readonly Lazy<Task<string>> _buildahBase;
    private readonly Lazy<Task<string>> _dockerBase;
    private readonly Lazy<Task<string>> _modelBase;

    private readonly StandInImage _sdk = StandIns.DotnetSdkAot();
    private readonly StandInImage _runtime = StandIns.RuntimeDepsChiseled();
    private readonly StandInImage _buildah = StandIns.DebianBuildah();
    private readonly StandInImage _docker = StandIns.DebianDockerCli();
    private Task? _standInsPrepared;

    public EngineFixture()
    {
        _metagenerator = new(BuildMetageneratorImageAsync);
        _buildahBase = new(() => PushStandInAsync(_buildah));
        _dockerBase = new(() => PushStandInAsync(_docker));
        _modelBase = new(PushModelBaseAsync);
    }

    public DockerEngine Engine { get; private set; } = null!;
    public LocalRegistry Registry { get; private set; } = null!;
    public TestCertificates Certificates { get; private set; } = null!;

    /// <summary>A Docker config.json with the user's credentials for <see cref="Registry"/>.</summary>
    public string ConfigJson => _dir.Combine("config.json");

    /// <summary>The registry's CA, mounted over a container's CA bundle where it must verify TLS.</summary>
    public string CaBundle => Certificates.CaCertificatePath;

    /// <summary>How long the one-time preparations took (stand-ins, image builds), for the report.</summary>
    public Dictionary<string, TimeSpan> Timings { get; } = [];

    public async Task InitializeAsync()
    {
        // All root filesystems at once (on a cold cache mmdebstrap waits mostly on downloads and dpkg); the tests
        // then find each one built or being built.
        _standInsPrepared = Task.WhenAll(_sdk.RootFilesystemAsync(), _runtime.RootFilesystemAsync(), _buildah.RootFilesystemAsync(), _docker.RootFilesystemAsync());
        Engine = await DockerEngine.StartAsync();
        Certificates = await TestCertificates.CreateAsync(_dir.Combine("certs"));
        Registry = await LocalRegistry.StartAsync(new LocalRegistryOptions
        {
            Tls = Certificates,
            HtpasswdPath = await Htpasswd.WriteAsync(_dir.Combine("htpasswd"), new Dictionary<string, string> { [User] = Password }),
        });
        var config = DockerConfig(Registry.Host, User, Password);
        await File.WriteAllTextAsync(ConfigJson, config);
        // The engine's own client logs in with the same file, for docker push/pull of test images.
        Directory.CreateDirectory(Path.Combine(Engine.Directory, "client"));
        await File.WriteAllTextAsync(Path.Combine(Engine.Directory, "client", "config.json"), config);
    }

    public async Task DisposeAsync()
    {
        if (_standInsPrepared is not null)
        {
            try { await _standInsPrepared; }
            catch (Exception) { } // a test that needed the failed one has reported it
        }
        if (Registry is not null) await Registry.DisposeAsync();
        if (Engine is not null) await Engine.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>A Docker config.json with one <c>auth</c> entry.</summary>
    public static string DockerConfig(string registry, string user, string password) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["auths"] = new Dictionary<string, object>
            {
                [registry] = new Dictionary<string, string> { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")) },
            },
        });

    /// <summary>What <c>docker build -t metagenerator .</c> printed (its RUN's <c>dotnet publish</c> included), once built.</summary>
    public string MetageneratorBuildOutput { get; private set; } = "";

    /// <summary>The <c>metagenerator</c> image, built from the repository's Dockerfile with <c>docker build</c>.</summary>
    public Task MetageneratorImageAsync() => _metagenerator.Value;

    /// <summary>Debian + buildah, pushed to the registry; the reference to use as <c>build.base_image</c>.</summary>
    public Task<string> BuildahBaseAsync() => _buildahBase.Value;

    /// <summary>Debian + docker CLI, pushed to the registry; the reference to use as <c>build.base_image</c>.</summary>
    public Task<string> DockerBaseAsync() => _dockerBase.Value;

    /// <summary>A static busybox image (sh, mkdir, cat, ls, printf, sleep) in the registry, for model Dockerfiles' FROM.</summary>
    public Task<string> ModelBaseAsync() => _modelBase.Value;

    /// <summary><c>docker run --rm --network host ARGS</c> (the registry listens on the host's 127.0.0.1).</summary>
    public Task<ToolResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        Engine.DockerAsync(["run", "--rm", "--network", "host", .. args], environment);

    /// <summary>Finds the repository root (the build context of the Dockerfile).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Metagenerator.slnx"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Metagenerator.slnx) was not found above " + AppContext.BaseDirectory);
    }

    private async Task BuildMetageneratorImageAsync()
    {
        var started = DateTime.UtcNow;
        var (sdk, runtime) = (_sdk, _runtime);
        await Task.WhenAll(sdk.RootFilesystemAsync(), runtime.RootFilesystemAsync());
        Timings["stand-ins for the Dockerfile's bases (mmdebstrap, or the cache)"] = DateTime.UtcNow - started;
        started = DateTime.UtcNow;
        await sdk.ImportAsync(Engine);
        await runtime.ImportAsync(Engine);
        Timings["docker import of the two stand-ins"] = DateTime.UtcNow - started;
        started = DateTime.UtcNow;
        // The seed's `docker build -t metagenerator .`; the build's RUN reaches NuGet through the host's network
        // (this engine has no bridge network).
        var build = await Engine.DockerAsync(["build", "--network", "host", "-t", MetageneratorImage, "."],
            workingDirectory: RepositoryRoot(), timeout: TimeSpan.FromMinutes(30));
        build.EnsureSuccess();
        MetageneratorBuildOutput = build.StdOut + build.StdErr;
        Timings["docker build -t metagenerator ."] = DateTime.UtcNow - started;
    }

    private async Task<string> PushStandInAsync(StandInImage standIn)
    {
        await standIn.ImportAsync(Engine);
        var reference = $"{Registry.Host}/{standIn.Name}";
        await Engine.DockerCheckedAsync("tag", standIn.Name, reference);
        (await Engine.DockerAsync(["push", reference], timeout: TimeSpan.FromMinutes(15))).EnsureSuccess();
        return reference;
    }

    private async Task<string> PushModelBaseAsync()
    {
        var rootfs = _dir.Combine("model-base");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.Copy(ExternalTool.Require("busybox"), Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "mkdir", "cat", "ls", "printf", "sleep" })
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        var tar = _dir.Combine("model-base.tar");
        (await ExternalTool.RunAsync("tar", ["-C", rootfs, "-cf", tar, "."])).EnsureSuccess();
        var reference = $"{Registry.Host}/base/busybox:1";
        (await Engine.DockerAsync(["import", "--change", "ENV PATH=/bin", "--change", "CMD [\"/bin/sh\"]", tar, reference])).EnsureSuccess();
        (await Engine.DockerAsync(["push", reference])).EnsureSuccess();
        return reference;
    }
}
