using Metagenerator.Manifest.Yaml;

namespace Metagenerator.Manifest;

/// <summary>Reads, validates and flattens GENERATOR-MANIFEST.yml files.</summary>
/// <remarks>
/// Decisions worth knowing:
/// <list type="bullet">
/// <item>Every scalar is kept as the text the YAML gives it: <c>042</c>, <c>yes</c>, <c>true</c>, <c>1e3</c>, <c>~</c>
/// and <c>null</c> stay exactly that; quotes are removed (<c>"false"</c> is <c>false</c>). An empty value
/// (<c>default:</c>) is the empty string. Only where a map is expected (a section such as <c>parameters:</c>) does an
/// empty value, <c>~</c> or <c>null</c> mean "empty map".</item>
/// <item>Anchors and aliases are allowed; an alias shares the anchored node. The expanded document may hold at most
/// 100,000 values, so an alias bomb is rejected at once. Merge keys (<c>&lt;&lt;</c>) are not supported.</item>
/// <item>A UTF-8 BOM is skipped (UTF-16 with a BOM is read too), CRLF line endings are fine, tabs are fine inside
/// values but not as indentation. The file may be at most 1 MiB, nesting at most 64 levels.</item>
/// </list>
/// </remarks>
public static class ManifestLoader
{
    /// <summary>The default manifest file name.</summary>
    public const string DefaultFileName = "GENERATOR-MANIFEST.yml";

    /// <summary>Reads and validates the manifest at <paramref name="path"/>; throws <see cref="ManifestException"/> with every problem.</summary>
    /// <remarks>Only a regular file is read (a symbolic link to one is fine), and never past <see cref="SourceDocumentReader.MaxBytes"/>:
    /// a directory, FIFO or device is refused without being opened.</remarks>
    public static GeneratorManifest Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ReadFile(path), path);
    }

    private static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path)) throw Single(path, $"is a directory; pass the manifest file (e.g. {Path.Combine(path, DefaultFileName)})");
        if (!File.Exists(path)) throw Single(path, $"file not found; create it ('metagenerator init' writes an example {DefaultFileName}) or pass the manifest's path");
        if (HostFiles.SmallInputFile.Problem(path) is { } problem) throw Single(path, $"{problem}; a generator manifest must be a regular file");
        byte[]? bytes;
        try
        {
            HostFiles.SmallInputFile.TryReadAtMost(path, SourceDocumentReader.MaxBytes, out bytes);
        }
        catch (UnauthorizedAccessException)
        {
            throw Single(path, "cannot read the file: permission denied");
        }
        catch (IOException e)
        {
            throw Single(path, $"cannot read the file: {e.Message}");
        }
        return bytes ?? throw Single(path, $"the file holds more than {SourceDocumentReader.MaxBytes} bytes; a generator manifest may be at most {SourceDocumentReader.MaxBytes} bytes");
    }

    /// <summary>Validates manifest bytes; <paramref name="path"/> is used in messages and kept in the result.</summary>
    public static GeneratorManifest Parse(ReadOnlyMemory<byte> bytes, string path) =>
        TryParse(bytes, path, out var manifest, out var errors) ? manifest : throw new ManifestException(errors);

    /// <summary>Validates manifest bytes without throwing; on failure <paramref name="errors"/> holds every problem in file order.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> bytes, string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GeneratorManifest? manifest, out IReadOnlyList<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(path);
        var found = new List<ManifestError>();
        manifest = null;
        var root = SourceDocumentReader.Read(bytes, path, found);
        if (root is not null)
        {
            // The manifest goes into the image unchanged, so keep our own copy of the exact bytes.
            manifest = new ManifestValidator(path, found).Validate(root, bytes.ToArray());
        }
        if (found.Count > 0) manifest = null;
        var sorted = found.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        if (sorted.Count >= ManifestValidator.MaxErrors)
        {
            var last = sorted[^1];
            sorted.Add(new ManifestError(path, last.Line, last.Column, "(file)", $"stopped after {ManifestValidator.MaxErrors} errors; fix these and run again"));
        }
        errors = sorted;
        return manifest is not null;
    }

    /// <summary>
    /// Checks that <c>MODEL_DOCKERFILE</c> exists as a file inside <paramref name="modelSourceDirectory"/>
    /// (symbolic links may not lead outside it). Returns the problems; empty when all is well.
    /// </summary>
    public static IReadOnlyList<ManifestError> CheckModelSource(GeneratorManifest manifest, string modelSourceDirectory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(modelSourceDirectory);
        var at = manifest.Config.FirstOrDefault(c => c.Key == "MODEL_DOCKERFILE").Value;
        var (line, column) = at is null ? (1, 1) : (at.Line, at.Column);
        var keyPath = $"{manifest.Name}.config.MODEL_DOCKERFILE";
        ManifestError Problem(string message) => new(manifest.Path, line, column, keyPath, message);

        if (!Directory.Exists(modelSourceDirectory))
            return [Problem($"the model source directory '{modelSourceDirectory}' does not exist; pass the folder that holds the model's Dockerfile")];
        var root = Path.GetFullPath(ResolveFinal(new DirectoryInfo(modelSourceDirectory)));
        var current = root;
        foreach (var segment in manifest.ModelDockerfile.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = segment == ".." ? Path.GetDirectoryName(current) ?? current : Path.Combine(current, segment);
            FileSystemInfo entry = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (entry.LinkTarget is not null) current = Path.GetFullPath(ResolveFinal(entry));
            if (!IsInside(current, root))
                return [Problem($"'{manifest.ModelDockerfile}' leads outside the model source '{modelSourceDirectory}' through a symbolic link; the Dockerfile must be inside it")];
        }
        if (Directory.Exists(current))
            return [Problem($"'{manifest.ModelDockerfile}' is a directory in the model source '{modelSourceDirectory}'; MODEL_DOCKERFILE must name the Dockerfile")];
        if (!File.Exists(current))
            return [Problem($"'{manifest.ModelDockerfile}' does not exist in the model source '{modelSourceDirectory}'; create it or fix MODEL_DOCKERFILE")];
        return [];
    }

    private static string ResolveFinal(FileSystemInfo info) =>
        info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    private static ManifestException Single(string path, string message) =>
        new([new ManifestError(path, 1, 1, "(file)", message)]);
}
