using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Metagenerator.Oci;

namespace Metagenerator.Build;

/// <summary>
/// Splits what layer sources hold into layers by how often it changes: each large file goes into one of a fixed number of
/// groups chosen by a hash of its path, everything else (small files, symlinks, directories) into one further layer;
/// a directory on the path of a large file goes with that file (and into the rest only when something of the rest is in it).
/// </summary>
/// <remarks>
/// The sources are read once; the parts hold the collected entries, so building or hashing a part reads only its files.
/// A large file's group depends on its path alone, never on which other files exist: adding, removing or changing one
/// large file changes only its own group's layer, and every other layer keeps its diffID. Each part gets every parent
/// directory of its entries (with the normalised mode and time), so the parts applied in any order give exactly the tree
/// that one layer of all the sources would give.
/// </remarks>
public static class LayerPartitioner
{
    /// <summary>Large files are spread over this many groups (empty groups give no layer).</summary>
    /// <remarks>
    /// Few enough that the image stays a handful of layers (every layer costs a request per push and pull, an extraction
    /// step, and one of the ~125 layers overlay-based engines allow in total); enough that a few large files rarely
    /// share a layer. Two large files in one group are re-uploaded together when either changes: with four large files,
    /// all four land in different groups with probability 8·7·6·5/8⁴ ≈ 41 %, and some pair shares a group otherwise.
    /// </remarks>
    public const int LargeFileGroups = 8;

    /// <summary>The default size from which a file counts as large: 1 MiB (code and configuration stay below it; weights and data sets do not).</summary>
    public const long DefaultLargeFileThreshold = 1L << 20;

    /// <summary>
    /// The parts of <paramref name="sources"/>: one per non-empty large-file group (ascending group number), then the rest,
    /// which always exists (it holds the sources' small files, symlinks and the directories they need, and empty directories).
    /// </summary>
    /// <param name="sources">What one layer would hold.</param>
    /// <param name="largeFileThreshold">Regular files of at least this many bytes are large; must be positive.</param>
    /// <param name="ct">Cancels the directory walk.</param>
    /// <exception cref="LayerBuildException">As for <see cref="LayerBuilder.BuildAsync(LayerSpec, string, CancellationToken)"/>.</exception>
    public static IReadOnlyList<LayerPart> SplitBySize(IReadOnlyList<LayerSource> sources, long largeFileThreshold, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(largeFileThreshold, 1);
        var groups = new List<LayerEntry>?[LargeFileGroups];
        var rest = new List<LayerEntry>();
        var entries = LayerEntries.Collect(sources, ct);
        bool IsLarge(LayerEntry e) => e.Kind == LayerEntryKind.HostFile && e.Size >= largeFileThreshold;
        // Directories on the path of a large file go with that file's group (the builder adds a part's parents), not
        // into the rest: a large file added in a new directory must leave the rest's layer as it was. The rest gets
        // them back only as parents of its own entries.
        var aboveLargeFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(IsLarge))
            for (var slash = entry.TargetPath.LastIndexOf('/'); slash > 0 && aboveLargeFiles.Add(entry.TargetPath[..slash]); slash = entry.TargetPath.LastIndexOf('/', slash - 1)) { }
        foreach (var entry in entries)
        {
            if (IsLarge(entry))
                (groups[GroupOf(entry.TargetPath)] ??= []).Add(entry);
            else if (entry.Kind != LayerEntryKind.Directory || !aboveLargeFiles.Contains(entry.TargetPath))
                rest.Add(entry);
        }

        var parts = new List<LayerPart>();
        for (var g = 0; g < groups.Length; g++)
            if (groups[g] is { } members)
                parts.Add(new LayerPart(LayerPartKind.LargeFiles, g + 1, new CollectedSource(members), members));
        parts.Add(new LayerPart(LayerPartKind.Rest, 0, new CollectedSource(rest), rest));
        return parts;
    }

    /// <summary>The large-file group (0 to <see cref="LargeFileGroups"/> − 1) of a path inside the image: the first 8 bytes of its UTF-8 SHA-256, modulo the group count.</summary>
    public static int GroupOf(string targetPath)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(LayerEntries.NormalizeTarget(targetPath)));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % LargeFileGroups);
    }
}

/// <summary>What a <see cref="LayerPart"/> holds.</summary>
public enum LayerPartKind
{
    /// <summary>Large files of one hash group.</summary>
    LargeFiles,
    /// <summary>Everything that is not a large file: small files, symlinks, directories.</summary>
    Rest,
}

/// <summary>One layer's share of the sources, ready to be a <see cref="LayerSpec"/>'s only source.</summary>
public sealed class LayerPart
{
    internal LayerPart(LayerPartKind kind, int group, LayerSource source, IReadOnlyList<LayerEntry> entries)
    {
        Kind = kind;
        Group = group;
        Source = source;
        Files = [.. entries.Where(e => e.Kind != LayerEntryKind.Directory).Select(e => e.TargetPath)];
        FileBytes = entries.Sum(e => e.Kind == LayerEntryKind.HostFile ? e.Size : e.Content.Length);
    }

    /// <summary>Large files or the rest.</summary>
    public LayerPartKind Kind { get; }

    /// <summary>The large-file group, 1 to <see cref="LayerPartitioner.LargeFileGroups"/>; 0 for the rest.</summary>
    public int Group { get; }

    /// <summary>The entries, as a layer source (directories are added by the builder as for any source).</summary>
    public LayerSource Source { get; }

    /// <summary>The paths (inside the image, without a leading slash) of the files and symlinks, sorted.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The bytes of the files' contents.</summary>
    public long FileBytes { get; }
}
