using System.Text;
using Metagenerator.Oci;

namespace Metagenerator.Build;

/// <summary>
/// What this machine itself computed about the layer blobs it built: each compressed blob's digest, size and diffID.
/// A rebuild reuses a layer of the destination only when such a record proves that the destination's blob holds the
/// content we would build: the destination's config (its <c>diff_ids</c>) is never trusted for that, since anyone who can
/// push to the repository can swap a layer and keep the config.
/// </summary>
/// <remarks>
/// One small file per blob, <c>DIR/ALGORITHM/HEX</c>, holding <c>DIFFID SIZE COMPRESSION</c>: written to a temporary name
/// and renamed, so concurrent builds never see half a record. Checking a record costs one small file read per layer of the
/// destination; a blob without one is built again (compressed here), and its upload is skipped when the registry already has it.
/// The records are an optimisation: one that cannot be written or read is as if it did not exist.
/// </remarks>
/// <param name="directory">Where the records live.</param>
public sealed class LayerRecords(string directory)
{
    private const int MaxRecordBytes = 512;

    /// <summary>Where the records live.</summary>
    public string Directory { get; } = directory;

    /// <summary><c>$XDG_CACHE_HOME/metagenerator/layers</c>, else <c>~/.cache/metagenerator/layers</c>; null without a home directory.</summary>
    public static string? DefaultDirectory(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (env("XDG_CACHE_HOME") is { Length: > 0 } cache && Path.IsPathRooted(cache)) return Path.Combine(cache, "metagenerator", "layers");
        var home = env("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 0 ? Path.Combine(home, ".cache", "metagenerator", "layers") : null;
    }

    /// <summary>Records that the blob <paramref name="blob"/> (built here) is the compressed form of the tar with <paramref name="diffId"/>.</summary>
    /// <returns>Null when recorded, else why not (for a debug line).</returns>
    public string? Remember(Descriptor blob, Digest diffId)
    {
        try
        {
            var path = PathOf(blob.Digest);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temp, $"{diffId} {blob.Size} {CompressionOf(blob.MediaType)}\n", Encoding.ASCII);
            File.Move(temp, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot record layer {blob.Digest} in {Directory}: {e.Message}";
        }
    }

    /// <summary>
    /// The diffID of <paramref name="blob"/> when a record made here proves it: same digest, same size, same compression.
    /// </summary>
    public Digest? ProvenDiffId(Descriptor blob)
    {
        byte[]? bytes;
        try
        {
            var path = PathOf(blob.Digest);
            if (!File.Exists(path) || !SmallInputFile.TryReadAtMost(path, MaxRecordBytes, out bytes)) return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var fields = Encoding.ASCII.GetString(bytes).Trim().Split(' ');
        if (fields.Length != 3 || !Digest.TryParse(fields[0], out var diffId)) return null;
        if (!long.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) || size != blob.Size) return null;
        return fields[2] == CompressionOf(blob.MediaType) ? diffId : null;
    }

    private string PathOf(Digest digest) => Path.Combine(Directory, digest.Algorithm, digest.Hex);

    private static string CompressionOf(string mediaType) => mediaType switch
    {
        MediaTypes.OciLayerZstd => "zstd",
        MediaTypes.OciLayerGzip or MediaTypes.DockerLayerGzip => "gzip",
        _ => "other",
    };
}
