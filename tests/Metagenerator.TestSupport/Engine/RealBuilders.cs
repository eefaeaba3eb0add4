using System.Security.Cryptography;
using Xunit;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.TestSupport.Engine;

/// <summary>
/// The real kaniko and BuildKit programs (built from upstream sources, see ../shared/tools/builders/README.md), found
/// through <see cref="ArchiveVariable"/> and unpacked once into the test cache. Stand-ins of the upstream builder images
/// are made from them.
/// </summary>
public static class RealBuilders
{
    /// <summary>The setting that names <c>builders.tar.xz</c>; <c>.ci/run</c> sets it from <c>../shared/tools/builders</c>.</summary>
    public const string ArchiveVariable = "METAGENERATOR_BUILDERS_ARCHIVE";

    /// <summary>The archive's path, or null when the setting is missing or names no file.</summary>
    public static string? Archive =>
        Environment.GetEnvironmentVariable(ArchiveVariable) is { Length: > 0 } path && File.Exists(path) ? Path.GetFullPath(path) : null;

    /// <summary>The skip reason when the archive is missing (outside CI), or null when tests needing it run.</summary>
    public static string? SkipReason(bool inCi) => inCi || Archive is not null ? null
        : $"needs the real kaniko/BuildKit programs: set {ArchiveVariable} to ../shared/tools/builders/builders.tar.xz (.ci/run does)";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _unpacked;

    /// <summary>The directory holding executor, warmer, buildkitd, buildctl, buildctl-daemonless.sh and runc, unpacked once
    /// per archive content (keyed by its SHA-256) under the stand-in cache.</summary>
    /// <remarks>Keyed by content, not by size and mtime: the directory's path is part of the BuildKit stand-in's recipe, and
    /// a copy of the same archive with a new mtime (../shared is provisioned again for a new session) made every later run
    /// build that stand-in again with mmdebstrap (a minute of both cores).</remarks>
    public static async Task<string> UnpackAsync(CancellationToken ct = default)
    {
        var archive = Archive ?? throw new InvalidOperationException(
            $"{ArchiveVariable} is not set or names no file; it must name ../shared/tools/builders/builders.tar.xz");
        await Gate.WaitAsync(ct);
        try
        {
            if (_unpacked is not null) return _unpacked;
            string key;
            await using (var stream = File.OpenRead(archive))
                key = Convert.ToHexString(await SHA256.HashDataAsync(stream, ct))[..16].ToLowerInvariant();
            var target = Path.Combine(Path.GetDirectoryName(StandInImage.CacheDirectory)!, "builders", key);
            if (!File.Exists(Path.Combine(target, ".complete")))
            {
                var partial = target + ".partial-" + Environment.ProcessId;
                Directory.CreateDirectory(partial);
                (await ExternalTool.RunAsync("tar", ["-xJf", archive, "-C", partial], ct: ct)).EnsureSuccess();
                File.WriteAllText(Path.Combine(partial, ".complete"), archive);
                // Another test run may have finished first: keep whichever directory landed.
                try { Directory.Move(partial, target); }
                catch (IOException) { Directory.Delete(partial, recursive: true); }
            }
            return _unpacked = target;
        }
        finally { Gate.Release(); }
    }
}

/// <summary>A fact that needs a Docker engine and the real builders archive: skipped outside CI when either is missing.</summary>
public sealed class NeedsRealBuildersFactAttribute : FactAttribute
{
    public NeedsRealBuildersFactAttribute()
    {
        Skip = ToolAvailability.SkipReason(ToolAvailability.Engine) ?? RealBuilders.SkipReason(ToolAvailability.InCi);
    }
}

/// <summary>A theory that needs a Docker engine and the real builders archive: skipped outside CI when either is missing.</summary>
public sealed class NeedsRealBuildersTheoryAttribute : TheoryAttribute
{
    public NeedsRealBuildersTheoryAttribute()
    {
        Skip = ToolAvailability.SkipReason(ToolAvailability.Engine) ?? RealBuilders.SkipReason(ToolAvailability.InCi);
    }
}
