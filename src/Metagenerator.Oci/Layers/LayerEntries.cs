using System.Text;

namespace Metagenerator.Oci.Layers;

internal enum LayerEntryKind
{
    Directory,
    HostFile,
    InlineFile,
    Symlink,
}

/// <summary>One tar entry to write; <see cref="TargetPath"/> is relative to the image root, without leading or trailing slash.</summary>
internal sealed record LayerEntry(string TargetPath, LayerEntryKind Kind)
{
    public string? HostPath { get; init; }
    /// <summary>The listed file's device and inode, where statx(2) gave them: the file read later must be this one.</summary>
    public HostFileIdentity? Identity { get; init; }
    public long Size { get; init; }
    public int Mode { get; init; }
    public string? LinkTarget { get; init; }
    public ReadOnlyMemory<byte> Content { get; init; }
}

/// <summary>Turns layer sources into the sorted, de-duplicated entry list of the tar.</summary>
internal static class LayerEntries
{
    private const int MaxSymlinkHops = 40;
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static IReadOnlyList<LayerEntry> Collect(IReadOnlyList<LayerSource> sources, CancellationToken ct)
    {
        var byPath = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            switch (source)
            {
                case DirectorySource dir:
                    CollectDirectory(dir, byPath, ct);
                    break;
                case FileSource file:
                    var target = NormalizeTarget(file.TargetPath);
                    Add(byPath, new LayerEntry(target, LayerEntryKind.InlineFile)
                    {
                        Content = file.Content,
                        Mode = (int)file.Mode & 0xFFF,
                    }, file.TargetPath);
                    break;
                case CollectedSource collected:
                    foreach (var entry in collected.Entries) Add(byPath, entry, entry.HostPath ?? entry.TargetPath);
                    break;
                default:
                    throw new ArgumentException($"unknown layer source {source.GetType().Name}", nameof(sources));
            }
        }

        // Every parent directory gets its own entry, so extraction never invents modes or owners.
        foreach (var path in byPath.Keys.ToList())
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                var parent = path[..slash];
                if (byPath.TryGetValue(parent, out var existing))
                {
                    if (existing.Kind != LayerEntryKind.Directory)
                        throw new LayerBuildException(existing.HostPath ?? parent, $"is a file in the layer but '{path}' needs it to be a directory");
                    break;
                }
                byPath[parent] = new LayerEntry(parent, LayerEntryKind.Directory);
            }
        }

        var entries = byPath.Values.ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.TargetPath, b.TargetPath));
        return entries;
    }

    private static void Add(Dictionary<string, LayerEntry> byPath, LayerEntry entry, string origin)
    {
        if (byPath.TryGetValue(entry.TargetPath, out var existing))
        {
            if (existing.Kind == LayerEntryKind.Directory && entry.Kind == LayerEntryKind.Directory) return;
            throw new LayerBuildException(origin, $"would be written to '/{entry.TargetPath}', which another layer source already writes");
        }
        byPath[entry.TargetPath] = entry;
    }

    /// <summary>Makes a target path relative and clean; rejects paths that leave the image root.</summary>
    internal static string NormalizeTarget(string targetPath)
    {
        var cleaned = DockerIgnore.CleanPath(targetPath.Replace('\\', '/')).TrimStart('/');
        if (cleaned.Length == 0 || cleaned == ".") return "";
        if (cleaned == ".." || cleaned.StartsWith("../", StringComparison.Ordinal))
            throw new ArgumentException($"layer target path '{targetPath}' leaves the image root");
        return cleaned;
    }

    private static void CollectDirectory(DirectorySource source, Dictionary<string, LayerEntry> byPath, CancellationToken ct)
    {
        var root = Path.GetFullPath(source.HostPath);
        if (!Directory.Exists(root))
            throw new LayerBuildException(source.HostPath, File.Exists(root) ? "is a file, not a directory" : "does not exist");
        var target = NormalizeTarget(source.TargetPath);
        if (target.Length > 0) Add(byPath, new LayerEntry(target, LayerEntryKind.Directory), source.HostPath);

        DockerIgnore ignore;
        try
        {
            ignore = source.UseDockerignore ? DockerIgnore.Load(root) : DockerIgnore.Empty;
        }
        catch (InvalidInputException e)
        {
            var path = Path.Combine(root, ".dockerignore");
            // The message names the file already; LayerBuildException puts the path in front once.
            var reason = e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message[path.Length..].TrimStart(':', ' ') : e.Message;
            throw new LayerBuildException(path, reason, e);
        }
        var alwaysInclude = source.AlwaysInclude.Select(p => DockerIgnore.CleanPath(p.Replace('\\', '/')).TrimStart('/')).ToHashSet(StringComparer.Ordinal);
        var excludedFiles = ExcludedIdentities(source.ExcludedHostPaths);

        var pending = new Stack<(string Host, string Relative)>();
        pending.Push((root, ""));
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var (hostDir, relativeDir) = pending.Pop();
            IEnumerable<FileSystemInfo> children;
            try
            {
                children = new DirectoryInfo(hostDir).EnumerateFileSystemInfos().ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LayerBuildException(hostDir, $"cannot be listed: {e.Message}", e);
            }
            foreach (var child in children)
            {
                var relative = relativeDir.Length == 0 ? child.Name : relativeDir + "/" + child.Name;
                var excluded = !alwaysInclude.Contains(relative) && ignore.IsExcluded(relative);
                if (!excluded && child.Name.Contains('\uFFFD', StringComparison.Ordinal)) CheckNameIsUtf8(hostDir, child);
                // Beyond PATH_MAX the system cannot open the file by its path (and .NET gives it an empty FullName).
                var pathBytes = Encoding.UTF8.GetByteCount(hostDir) + 1 + Encoding.UTF8.GetByteCount(child.Name);
                if (!excluded && pathBytes > RawFileNames.MaxPathBytes)
                    throw new LayerBuildException(Path.Combine(source.HostPath, relative),
                        $"its path is {pathBytes} bytes long, more than the {RawFileNames.MaxPathBytes} a path may have on this system (PATH_MAX); shorten the directory names or move the model source to a shorter path");
                var entryPath = target.Length == 0 ? relative : target + "/" + relative;
                var kind = UnixFileKinds.Get(child.FullName, child, out var identity);
                switch (kind)
                {
                    case UnixFileKind.Directory:
                        // An excluded directory is still searched when an exception (or a kept file) may re-include something inside it.
                        if (!excluded) Add(byPath, new LayerEntry(entryPath, LayerEntryKind.Directory), child.FullName);
                        if (!excluded || ignore.HasExceptions || alwaysInclude.Any(p => p.StartsWith(relative + "/", StringComparison.Ordinal)))
                            pending.Push((child.FullName, relative));
                        break;
                    case UnixFileKind.Regular when excludedFiles.Count > 0 && excludedFiles.ContainsKey(((FileInfo)child).Length)
                        && UnixFileKinds.Identity(child.FullName, followSymlinks: false) is { } id && excludedFiles[((FileInfo)child).Length].Contains(id):
                        break; // a host file the caller keeps out of every image (the credentials file in use)
                    case UnixFileKind.Regular when !excluded:
                        var mode = ((FileInfo)child).UnixFileMode;
                        Add(byPath, new LayerEntry(entryPath, LayerEntryKind.HostFile)
                        {
                            HostPath = child.FullName,
                            Identity = identity,
                            Size = ((FileInfo)child).Length,
                            Mode = (mode & AnyExecute) != 0 ? 0x1ED /* 0755 */ : 0x1A4, /* 0644 */
                        }, child.FullName);
                        break;
                    case UnixFileKind.Symlink when !excluded:
                        var linkTarget = child.LinkTarget!;
                        if (linkTarget.Contains('\uFFFD', StringComparison.Ordinal) && RawFileNames.ReadLink(child.FullName) is { } rawTarget && !RawFileNames.IsValidUtf8(rawTarget))
                            throw new LayerBuildException(child.FullName, $"is a symlink whose target '{RawFileNames.Escape(rawTarget)}' is not valid UTF-8; the layer keeps names as UTF-8, so rename the target (or list the link in .dockerignore)");
                        CheckSymlinkStaysInside(root, relativeDir, linkTarget, child.FullName);
                        Add(byPath, new LayerEntry(entryPath, LayerEntryKind.Symlink) { LinkTarget = linkTarget }, child.FullName);
                        break;
                    case UnixFileKind.Regular or UnixFileKind.Symlink:
                        break;
                    default:
                        // Even an ignored special file is reported: it usually means the wrong directory was given.
                        if (excluded) break;
                        throw new LayerBuildException(child.FullName, $"is a {Describe(kind)}; a model source may only hold regular files, directories and symlinks (remove it or list it in .dockerignore)");
                }
            }
        }
    }

    private static string Describe(UnixFileKind kind) => UnixFileKinds.Describe(kind);

    /// <summary>
    /// The identities of the files at <paramref name="paths"/> (symlinks followed; paths that do not exist are skipped), by
    /// size, so that only a file of the same size costs a stat during the walk.
    /// </summary>
    private static Dictionary<long, HashSet<HostFileIdentity>> ExcludedIdentities(IReadOnlyList<string> paths)
    {
        var identities = new Dictionary<long, HashSet<HostFileIdentity>>();
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            if (UnixFileKinds.Identity(full, followSymlinks: true) is not { } id) continue;
            var size = new FileInfo(full).Length;
            if (!identities.TryGetValue(size, out var set)) identities[size] = set = [];
            set.Add(id);
        }
        return identities;
    }

    /// <summary>
    /// Fails when <paramref name="child"/>'s name on disk is not UTF-8. .NET shows such a name with U+FFFD and cannot
    /// open the file by it; packing the replacement would silently rename the file in the image.
    /// </summary>
    private static void CheckNameIsUtf8(string directory, FileSystemInfo child)
    {
        if (!OperatingSystem.IsLinux() || UnixFileKinds.Identity(child.FullName, followSymlinks: false) is not null) return; // a real U+FFFD in a UTF-8 name
        var raw = RawFileNames.NonUtf8Names(directory).FirstOrDefault(n => Encoding.UTF8.GetString(n) == child.Name);
        throw new LayerBuildException(Path.Combine(directory, raw is null ? child.Name : RawFileNames.Escape(raw)),
            "its name is not valid UTF-8 (shown with octal escapes, as GNU tar lists it); the layer keeps names as UTF-8, so rename it (or list it in .dockerignore)");
    }

    /// <summary>
    /// Resolves a symlink component by component inside the source root, following symlinks met on
    /// the way, and fails if any step leaves the root (or the target is absolute).
    /// </summary>
    private static void CheckSymlinkStaysInside(string root, string linkDirectory, string linkTarget, string linkHostPath)
    {
        if (linkTarget.StartsWith('/'))
            throw new LayerBuildException(linkHostPath, $"is a symlink to the absolute path '{linkTarget}', which is outside the model source; use a relative link to a file inside it");

        var resolved = new List<string>();
        var pending = new LinkedList<string>();
        foreach (var part in (linkDirectory.Length == 0 ? linkTarget : linkDirectory + "/" + linkTarget).Split('/')) pending.AddLast(part);
        var hops = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var part = node.Value;
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count == 0)
                    throw new LayerBuildException(linkHostPath, $"is a symlink to '{linkTarget}', which points outside the model source");
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var host = Path.Combine([root, .. resolved, part]);
            var info = new FileInfo(host);
            if (info.LinkTarget is { } next)
            {
                if (++hops > MaxSymlinkHops)
                    throw new LayerBuildException(linkHostPath, $"is a symlink to '{linkTarget}', which loops");
                if (next.StartsWith('/'))
                    throw new LayerBuildException(linkHostPath, $"is a symlink to '{linkTarget}', which leads through '{host}' to the absolute path '{next}' outside the model source");
                var parts = next.Split('/');
                for (var i = parts.Length - 1; i >= 0; i--) pending.AddFirst(parts[i]);
                continue;
            }
            resolved.Add(part);
        }
    }
}
