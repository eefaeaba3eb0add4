using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// The engine tests run as five collections at once (xunit runs collections in parallel, a collection's tests one after
/// another), all on the same engine and registry (<see cref="EngineFixture"/>), grouped so the long one-time steps
/// overlap: <c>generate</c> runs the built program and needs no metagenerator image, so its tests run while
/// <c>docker build -t metagenerator .</c> runs for the others, which meanwhile push their own builder's stand-in (and
/// start buildkitd); once the image is there, the buildah, docker, kaniko and BuildKit tests run side by side.
/// Tests of different collections never share a repository name, and a test that counts containers counts only those
/// of its own generator image.
/// </summary>
public static class EngineCollections
{
    /// <summary><c>metagenerator generate</c> (the built program) with buildah and kaniko generators.</summary>
    public const string Generate = "engine: generate";

    /// <summary>The metagenerator image, and buildah and docker generators it builds, run as the Model API runs them.</summary>
    public const string Image = "engine: metagenerator image, buildah and docker generators";

    /// <summary>buildah generators built by the metagenerator image that fail, or lack privileges, as the Model API runs them.</summary>
    public const string BuildahFailures = "engine: buildah generators' failures and privileges";

    /// <summary>kaniko generators built by the metagenerator image.</summary>
    public const string Kaniko = "engine: kaniko generators";

    /// <summary>BuildKit generators built by the metagenerator image, daemonless and with buildkitd.</summary>
    public const string BuildKit = "engine: BuildKit generators";
}

[CollectionDefinition(EngineCollections.Generate)]
public sealed class EngineGenerateCollection : ICollectionFixture<EngineFixture>;

// The image's collections name MetageneratorImageWanted first, so that its wish is known as the collection starts (all
// start together) and before any test: the image's stand-ins are then first in the engine's import queue.
[CollectionDefinition(EngineCollections.Image)]
public sealed class EngineImageCollection : ICollectionFixture<MetageneratorImageWanted>, ICollectionFixture<EngineFixture>;

[CollectionDefinition(EngineCollections.BuildahFailures)]
public sealed class EngineBuildahFailuresCollection : ICollectionFixture<MetageneratorImageWanted>, ICollectionFixture<EngineFixture>;

[CollectionDefinition(EngineCollections.Kaniko)]
public sealed class EngineKanikoCollection : ICollectionFixture<MetageneratorImageWanted>, ICollectionFixture<EngineFixture>;

[CollectionDefinition(EngineCollections.BuildKit)]
public sealed class EngineBuildKitCollection : ICollectionFixture<MetageneratorImageWanted>, ICollectionFixture<EngineFixture>;

/// <summary>
/// Declared by the collections whose tests run the metagenerator image: its <c>docker build</c>, the longest step of the
/// engine tests, starts as soon as the engine is up (before any test, so its stand-ins' imports come first), rather
/// than when a test first asks for the image, often after a stand-in's push. A run filtered to the generate tests
/// builds nothing.
/// </summary>
public sealed class MetageneratorImageWanted : IAsyncLifetime
{
    public Task InitializeAsync()
    {
        EngineFixture.WantMetageneratorImage();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// A private dockerd and a TLS registry with Basic auth on 127.0.0.1 (as a Model API installation has), the user's
/// credentials in a Docker config.json, and, built lazily once: the metagenerator image from the repository's
/// Dockerfile (over stand-ins of its upstream bases), the generator bases, and a busybox base for model Dockerfiles.
/// xunit makes one instance per collection; they all use one engine, registry and set of images for the test process
/// (started by the first, stopped when the last is disposed), so the state below is static.
/// </summary>
public sealed partial class EngineFixture : IAsyncLifetime
{
    public const string User = "modeller";
    public const string Password = "engine-s3cret";
    public const string MetageneratorImage = "metagenerator";

    private static readonly SemaphoreSlim _lifetimeGate = new(1, 1);
    private static int _users;
    private bool _acquired;

    private static TempDirectory _dir = null!;
    private static Lazy<Task> _metagenerator = null!;
    private static Lazy<Task<string>> _buildahBase = null!;
    private static Lazy<Task<string>> _dockerBase = null!;
    private static Lazy<Task<string>> _modelBase = null!;

    private static StandInImage _sdk = null!;
    private static StandInImage _runtime = null!;
    private static StandInImage _buildah = null!;
    private static StandInImage _docker = null!;
    private static Task? _standInsPrepared;
    private static readonly object _wantGate = new();
    private static bool _metageneratorWanted;
    private static bool _engineUp;

    private static DockerEngine? _engine;
    private static LocalRegistry? _registry;
    private static TestCertificates? _certificates;

    public DockerEngine Engine => _engine!;
    public LocalRegistry Registry => _registry!;
    public TestCertificates Certificates => _certificates!;

    /// <summary>A Docker config.json with the user's credentials for <see cref="Registry"/>.</summary>
    public string ConfigJson => _dir.Combine("config.json");

    /// <summary>The registry's CA, mounted over a container's CA bundle where it must verify TLS.</summary>
    public string CaBundle => Certificates.CaCertificatePath;

    /// <summary>How long the one-time preparations took (stand-ins, image builds), for the report; written from the
    /// collections' threads.</summary>
    public ConcurrentDictionary<string, TimeSpan> Timings => _timings;

    private static ConcurrentDictionary<string, TimeSpan> _timings = new();
    private static string _metageneratorBuildOutput = "";

    /// <summary>Joins the test process's engine, starting it if this is the first collection to come.</summary>
    public async Task InitializeAsync()
    {
        await _lifetimeGate.WaitAsync();
        try
        {
            if (_users == 0)
            {
                try { await StartAsync(); }
                catch
                {
                    await StopAsync();
                    throw;
                }
            }
            _users++;
            _acquired = true;
        }
        finally { _lifetimeGate.Release(); }
    }

    /// <summary>Starts building the metagenerator image now if the engine is up, else as soon as it is.</summary>
    internal static void WantMetageneratorImage()
    {
        lock (_wantGate)
        {
            _metageneratorWanted = true;
            if (_engineUp) _ = _metagenerator.Value;
        }
    }

    /// <summary>Leaves the engine; the last collection to leave stops it.</summary>
    public async Task DisposeAsync()
    {
        if (!_acquired) return;
        _acquired = false;
        await _lifetimeGate.WaitAsync();
        try
        {
            if (--_users == 0) await StopAsync();
        }
        finally { _lifetimeGate.Release(); }
    }

    private static async Task StartAsync()
    {
        _dir = new("mg-engine");
        _timings = new();
        _metageneratorBuildOutput = "";
        _sdk = StandIns.DotnetSdkAot();
        _runtime = StandIns.RuntimeDepsChiseled();
        _buildah = StandIns.DebianBuildah();
        _docker = StandIns.DebianDockerCli();
        _metagenerator = new(BuildMetageneratorImageAsync);
        _buildahBase = new(() => PushStandInAsync(_buildah));
        _dockerBase = new(() => PushStandInAsync(_docker));
        _modelBase = new(PushModelBaseAsync);
        ResetKaniko();
        ResetBuildKit();
        // All root filesystems at once (on a cold cache mmdebstrap waits mostly on downloads and dpkg); the tests
        // then find each one built or being built.
        _standInsPrepared = Task.WhenAll(_sdk.RootFilesystemAsync(), _runtime.RootFilesystemAsync(), _buildah.RootFilesystemAsync(), _docker.RootFilesystemAsync());
        _engine = await DockerEngine.StartAsync(EngineSeed.Default);
        _certificates = await TestCertificates.CreateAsync(_dir.Combine("certs"));
        _registry = await LocalRegistry.StartAsync(new LocalRegistryOptions
        {
            Tls = _certificates,
            HtpasswdPath = await Htpasswd.WriteAsync(_dir.Combine("htpasswd"), new Dictionary<string, string> { [User] = Password }),
        });
        var config = DockerConfig(_registry.Host, User, Password);
        await File.WriteAllTextAsync(_dir.Combine("config.json"), config);
        // The engine's own client logs in with the same file, for docker push/pull of test images.
        Directory.CreateDirectory(Path.Combine(_engine.Directory, "client"));
        await File.WriteAllTextAsync(Path.Combine(_engine.Directory, "client", "config.json"), config);
        lock (_wantGate)
        {
            _engineUp = true;
            if (_metageneratorWanted) _ = _metagenerator.Value;
        }
    }

    private static async Task StopAsync()
    {
        lock (_wantGate) _engineUp = false;
        if (_standInsPrepared is not null)
        {
            try { await _standInsPrepared; }
            catch (Exception) { } // a test that needed the failed one has reported it
            _standInsPrepared = null;
        }
        // Not under a docker build that no test waited for (each test that needs the image reports its failure).
        if (_metagenerator is { IsValueCreated: true })
        {
            try { await _metagenerator.Value; }
            catch (Exception) { }
        }
        if (_engine is not null && _registry is not null) await RefreshEngineSeedAsync(_engine);
        if (_registry is not null) await _registry.DisposeAsync();
        if (_engine is not null) await _engine.DisposeAsync();
        (_registry, _engine, _certificates) = (null, null, null);
        _dir?.Dispose();
    }

    /// <summary>
    /// Keeps what this run's engine loaded for the next run (<see cref="EngineSeed"/>), while the registry it pulled from
    /// still runs. The tests are done: a failure here fails none of them, and is written beside the seed.
    /// </summary>
    private static async Task RefreshEngineSeedAsync(DockerEngine engine)
    {
        var seed = EngineSeed.Default;
        try { await seed.RefreshAsync(engine); }
        catch (Exception e)
        {
            try { await File.AppendAllTextAsync(seed.Directory + ".log", $"{DateTime.UtcNow:O} the seed was not refreshed: {e}\n"); }
            catch (IOException) { }
        }
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
    public string MetageneratorBuildOutput => _metageneratorBuildOutput;

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

    private static async Task BuildMetageneratorImageAsync()
    {
        var started = DateTime.UtcNow;
        var (sdk, runtime) = (_sdk, _runtime);
        await Task.WhenAll(sdk.RootFilesystemAsync(), runtime.RootFilesystemAsync());
        _timings["stand-ins for the Dockerfile's bases (mmdebstrap, or the cache)"] = DateTime.UtcNow - started;
        started = DateTime.UtcNow;
        // Both join the engine's import queue now, ahead of the other stand-ins (the runtime's import once waited a
        // minute behind three of them).
        await Task.WhenAll(sdk.ImportAsync(_engine!), runtime.ImportAsync(_engine!));
        _timings["docker import of the two stand-ins"] = DateTime.UtcNow - started;
        started = DateTime.UtcNow;
        // The seed's `docker build -t metagenerator .`; the build's RUN reaches NuGet through the host's network
        // (this engine has no bridge network).
        var build = await _engine!.DockerAsync(["build", "--network", "host", "-t", MetageneratorImage, "."],
            workingDirectory: RepositoryRoot(), timeout: TimeSpan.FromMinutes(30));
        build.EnsureSuccess();
        _metageneratorBuildOutput = build.StdOut + build.StdErr;
        _timings["docker build -t metagenerator ."] = DateTime.UtcNow - started;
    }

    private static async Task<string> PushStandInAsync(StandInImage standIn)
    {
        var reference = $"{_registry!.Host}/{standIn.Name}";
        await standIn.PushAsync(_engine!, reference, StandInPushAuth);
        return reference;
    }

    /// <summary>How skopeo reaches the registry to keep or copy a pushed stand-in (<see cref="StandInPush"/>).</summary>
    private static SkopeoAuth StandInPushAuth => new(_certificates!.SkopeoCertDirectory, User, Password);

    private static async Task<string> PushModelBaseAsync()
    {
        var rootfs = _dir.Combine("model-base");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.Copy(ExternalTool.Require("busybox"), Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "mkdir", "cat", "ls", "printf", "sleep" })
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        var tar = _dir.Combine("model-base.tar");
        (await ExternalTool.RunAsync("tar", ["-C", rootfs, "-cf", tar, "."])).EnsureSuccess();
        var reference = $"{_registry!.Host}/base/busybox:1";
        (await _engine!.DockerAsync(["import", "--change", "ENV PATH=/bin", "--change", "CMD [\"/bin/sh\"]", tar, reference])).EnsureSuccess();
        (await _engine!.DockerAsync(["push", reference])).EnsureSuccess();
        return reference;
    }
}
