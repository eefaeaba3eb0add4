using System.Security.Cryptography;
using System.Text;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.TestSupport.Engine;

/// <summary>
/// A base image made here from Debian packages with <c>mmdebstrap</c> (Debian's mirrors are reachable, upstream
/// image registries are not), imported into an engine under an upstream image's name so that Dockerfiles and
/// generator manifests that name the upstream image are used unchanged.
/// </summary>
public sealed record StandInImage
{
    /// <summary>The name the image gets in the engine, e.g. <c>mcr.microsoft.com/dotnet/sdk:10.0-noble-aot</c>.</summary>
    public required string Name { get; init; }

    /// <summary>mmdebstrap's variant: <c>minbase</c> (dpkg, apt, a shell) or <c>extract</c> (files only, no scripts run).</summary>
    public string Variant { get; init; } = "minbase";

    /// <summary>Debian bookworm packages to add.</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>mmdebstrap <c>--customize-hook</c> commands (<c>$1</c> is the root directory).</summary>
    public IReadOnlyList<string> CustomizeHooks { get; init; } = [];

    /// <summary><c>docker import --change</c> instructions (ENV, USER, WORKDIR, ENTRYPOINT, CMD).</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>mmdebstrap steps to skip beyond output/dev, e.g. <c>cleanup/run</c> to keep directories a hook made in /run.</summary>
    public IReadOnlyList<string> Skips { get; init; } = [];

    /// <summary>Host files and directories copied in by a hook: they take part in the cache key.</summary>
    public IReadOnlyList<string> HostInputs { get; init; } = [];

    /// <summary>Where root filesystems are kept between test runs (one tar per recipe hash).</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("METAGENERATOR_STANDIN_CACHE") ?? "/var/tmp/metagenerator-test-cache/standins";

    /// <summary>A short hash of everything that decides the root filesystem's content.</summary>
    public string RecipeHash()
    {
        var text = new StringBuilder();
        text.AppendLine(Variant).AppendLine(string.Join(',', Packages)).AppendLine(string.Join('\n', CustomizeHooks));
        if (Skips.Count > 0) text.AppendLine("skip " + string.Join(',', Skips)); // absent from older recipes: their hashes stay
        foreach (var input in HostInputs)
        {
            // A host directory counts by the names in it (an SDK upgrade adds a version directory; times change with
            // every use of dotnet, so they do not count); a file by its bytes.
            if (Directory.Exists(input))
                foreach (var entry in Directory.EnumerateFileSystemEntries(input).Order(StringComparer.Ordinal))
                    text.AppendLine(entry);
            else if (File.Exists(input))
                text.AppendLine(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(input))));
            else
                text.AppendLine("missing " + input);
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }

    /// <summary>The root filesystem as a tar, built with mmdebstrap unless the cache already has it.</summary>
    public Task<string> RootFilesystemAsync(CancellationToken ct = default)
    {
        // One build per instance, however many callers ask (the fixture starts them all early, tests ask again).
        lock (_gate) return _rootFilesystem ??= BuildRootFilesystemAsync(ct);
    }

    private readonly object _gate = new();
    private Task<string>? _rootFilesystem;

    private async Task<string> BuildRootFilesystemAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(CacheDirectory);
        var slug = new string(Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        var tar = Path.Combine(CacheDirectory, $"{slug}-{RecipeHash()}.tar");
        if (File.Exists(tar)) return tar;

        // One builder per recipe across processes (two test runs may start together); the loser finds the tar.
        await using var lockFile = await CrossProcessLock.AcquireAsync(tar + ".lock", TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1), ct);
        if (File.Exists(tar)) return tar;
        var partial = tar + ".partial";
        var args = new List<string> { "--variant=" + Variant, "--skip=output/dev", "--mode=root", "--format=tar" };
        foreach (var skip in Skips) args.Add("--skip=" + skip);
        if (Packages.Count > 0) args.Add("--include=" + string.Join(',', Packages));
        foreach (var hook in CustomizeHooks) args.Add("--customize-hook=" + hook);
        args.AddRange(["bookworm", partial]);
        var result = await ExternalTool.RunAsync("mmdebstrap", args, timeout: TimeSpan.FromMinutes(20), ct: ct);
        if (result.ExitCode != 0)
        {
            File.Delete(partial);
            result.EnsureSuccess();
        }
        File.Move(partial, tar, overwrite: true);
        // Older recipes of the same image (an SDK upgrade, a changed package list) are a gigabyte each: keep the newest.
        foreach (var old in Directory.EnumerateFiles(CacheDirectory, slug + "-*.tar").Where(f => f != tar))
        {
            File.Delete(old);
            StandInPush.DeletePushedCopies(old);
        }
        return tar;
    }

    /// <summary>Imports the root filesystem into <paramref name="engine"/> as <see cref="Name"/> (unless its seed has it).</summary>
    public async Task ImportAsync(DockerEngine engine, CancellationToken ct = default)
    {
        await engine.ImportStandInAsync(await RootFilesystemAsync(ct), Name, Changes, ct);
    }

    /// <summary>Makes <paramref name="reference"/> in a test registry hold the stand-in, and the engine have it under both
    /// names (<see cref="StandInPush"/>).</summary>
    public async Task PushAsync(DockerEngine engine, string reference, SkopeoAuth auth, CancellationToken ct = default)
    {
        await StandInPush.PushAsync(engine, await RootFilesystemAsync(ct), Name, Changes, reference, auth, ct);
    }
}
