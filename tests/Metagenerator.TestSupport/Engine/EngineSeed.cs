using System.Security.Cryptography;
using System.Text;

namespace Metagenerator.TestSupport.Engine;

/// <summary>A stand-in as an engine got it: imported from a root filesystem tar, or pulled as kept after its first push
/// (<see cref="StandInPush"/>) from <see cref="PulledFrom"/>.</summary>
public sealed record StandInLoad(string Name, string Source, IReadOnlyList<string> Changes, string? PulledFrom)
{
    /// <summary>What decides the image's content: its name, its source and its import changes (not the registry it was
    /// pulled from, which is each run's own).</summary>
    public string Key =>
        $"{(PulledFrom is null ? "import" : "pull")} {Name} {Source} "
        + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Changes))))[..12].ToLowerInvariant();
}

/// <summary>
/// The data root of a stopped engine that holds the stand-ins, kept between test runs beside them. An engine starts from a
/// copy of it instead of importing and pulling about two gigabytes of stand-ins again: the SDK stand-in's import alone
/// is 13 CPU-seconds (kernel included), the copy of the whole seed under one.
/// </summary>
/// <remarks>
/// The copy hard-links the files of the image layers (<c>overlay2/*/diff</c>) and copies every other file. overlay2
/// never writes to an image layer: a container's changes go to its own upper directory, a deleted image unlinks only the
/// copy's names. dockerd's other files are small and some are written in place (its bolt databases), so those are
/// real copies. A run that loaded a stand-in the seed does not hold makes a new seed when its tests are done
/// (<see cref="RefreshAsync"/>), in an engine of its own: never a snapshot of an engine tests have used.
/// </remarks>
public sealed class EngineSeed(string directory)
{
    /// <summary>The seed beside the stand-ins' root filesystems (<see cref="StandInImage.CacheDirectory"/>).</summary>
    public static EngineSeed Default => new(Path.Combine(StandInImage.CacheDirectory, "engine-seed"));

    /// <summary>Where the seed is kept: <c>root</c> (the data root) and <c>images</c> (what it holds).</summary>
    public string Directory { get; } = directory;

    private string Root => Path.Combine(Directory, "root");
    private string ImagesPath => Path.Combine(Directory, "images");

    /// <summary>
    /// Makes <paramref name="dataRoot"/> (which must not exist) a copy of the seed for <paramref name="engineIdentity"/>
    /// and returns the keys of the images in it (<see cref="StandInLoad.Key"/>); none when there is no seed for this
    /// dockerd and storage driver or the copy failed (then <paramref name="dataRoot"/> does not exist either).
    /// </summary>
    public async Task<IReadOnlySet<string>> CopyToAsync(string dataRoot, string engineIdentity, CancellationToken ct = default)
    {
        await using var gate = await LockAsync(ct);
        if (!File.Exists(ImagesPath)) return new HashSet<string>();
        var lines = await File.ReadAllLinesAsync(ImagesPath, ct);
        if (lines.Length == 0 || lines[0] != engineIdentity) return new HashSet<string>();
        try
        {
            (await ExternalTool.RunAsync("cp", ["-a", "-l", Root, dataRoot], ct: ct)).EnsureSuccess();
            await BreakLinksOutsideLayersAsync(dataRoot, ct);
            return lines.Skip(1).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            if (System.IO.Directory.Exists(dataRoot)) await ExternalTool.RunAsync("rm", ["-rf", dataRoot]);
            return new HashSet<string>();
        }
    }

    /// <summary>
    /// When <paramref name="engine"/> loaded a stand-in its seed did not hold, replaces the seed with a new one holding
    /// what <paramref name="engine"/> loaded, made by an engine of its own (same dockerd and storage driver) that imports
    /// the same tars and pulls from the registries <paramref name="engine"/> pulled from (still running, with the
    /// client configuration of <paramref name="engine"/>). Returns whether it made a new seed.
    /// </summary>
    public async Task<bool> RefreshAsync(DockerEngine engine, CancellationToken ct = default)
    {
        var loads = engine.StandIns.DistinctBy(l => l.Key).ToList();
        if (loads.Count == 0 || loads.All(l => engine.SeededImages.Contains(l.Key)) || engine.StorageDriver != "overlay2")
            return false;

        await DeleteLeftoversAsync(ct);
        var partial = $"{Directory}.partial-{Environment.ProcessId}";
        System.IO.Directory.CreateDirectory(partial);
        try
        {
            await MakeAsync(engine, loads, partial, ct);
        }
        catch
        {
            await ExternalTool.RunAsync("rm", ["-rf", partial]);
            throw;
        }

        string? old = null;
        await using (await LockAsync(ct))
        {
            if (System.IO.Directory.Exists(Directory))
            {
                old = $"{Directory}.old-{Environment.ProcessId}";
                System.IO.Directory.Move(Directory, old);
            }
            System.IO.Directory.Move(partial, Directory);
        }
        if (old is not null) await ExternalTool.RunAsync("rm", ["-rf", old], ct: ct);
        return true;
    }

    /// <summary>Makes a seed of <paramref name="loads"/> in <paramref name="partial"/> (see <see cref="RefreshAsync"/>).</summary>
    private static async Task MakeAsync(DockerEngine engine, IReadOnlyList<StandInLoad> loads, string partial, CancellationToken ct)
    {
        await using (var builder = await DockerEngine.StartAsync(engine.StorageDriver, Path.Combine(partial, "root"), seed: null, ct))
        {
            var client = Path.Combine(builder.Directory, "client");
            System.IO.Directory.CreateDirectory(client);
            var config = Path.Combine(engine.Directory, "client", "config.json");
            if (File.Exists(config)) File.Copy(config, Path.Combine(client, "config.json"));
            foreach (var load in loads)
            {
                if (load.PulledFrom is null)
                {
                    await builder.ImportAsync(load.Source, load.Name, load.Changes, ct);
                    continue;
                }
                await builder.PullAsync(load.PulledFrom, ct);
                await builder.DockerCheckedAsync("tag", load.PulledFrom, load.Name);
                // The run's registry reference goes; the image stays under its upstream name, and the layers' registry
                // digests stay known, so a later run's pull of the same stand-in downloads no layer.
                await builder.DockerCheckedAsync("rmi", load.PulledFrom);
            }
        }
        await File.WriteAllLinesAsync(Path.Combine(partial, "images"), [engine.Identity, .. loads.Select(l => l.Key)], ct);
    }

    /// <summary>Deletes the gigabytes of seeds being made or replaced by test runs that no longer run (a run stopped
    /// midway), and this process's own.</summary>
    private async Task DeleteLeftoversAsync(CancellationToken ct)
    {
        var parent = Path.GetDirectoryName(Directory)!;
        if (!System.IO.Directory.Exists(parent)) return;
        var name = Path.GetFileName(Directory);
        foreach (var leftover in System.IO.Directory.EnumerateDirectories(parent, name + ".*-*"))
        {
            var suffix = Path.GetFileName(leftover)[(name.Length + 1)..];
            if (suffix.Split('-') is not ["partial" or "old", var pid] || !int.TryParse(pid, out var id)) continue;
            if (id != Environment.ProcessId && System.IO.Directory.Exists($"/proc/{id}")) continue;
            await ExternalTool.RunAsync("rm", ["-rf", leftover], ct: ct);
        }
    }

    /// <summary>Replaces each regular file outside the image layers by a copy of its own (see the remarks).</summary>
    private static async Task BreakLinksOutsideLayersAsync(string dataRoot, CancellationToken ct)
    {
        // find names the regular files (dockerd also keeps a block device there, which must not be read).
        var files = (await ExternalTool.RunAsync("find", [dataRoot, "-path", dataRoot + "/overlay2/*/diff", "-prune", "-o", "-type", "f", "-print0"], ct: ct))
            .EnsureSuccess().StdOut.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            var copy = file + ".seed-copy";
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(file));
            File.Move(copy, file, overwrite: true);
        }
    }

    /// <summary>One copy or replacement at a time across test runs (a lock file beside the seed).</summary>
    private Task<FileStream> LockAsync(CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Directory)!);
        return CrossProcessLock.AcquireAsync(Directory + ".lock", TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(200), ct);
    }
}
