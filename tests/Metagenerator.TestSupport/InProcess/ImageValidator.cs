using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Metagenerator.Oci;
using Xunit.Sdk;

namespace Metagenerator.TestSupport.InProcess;

/// <summary>
/// Checks that an image is whole and agrees with itself, as ggcr's <c>validate.Image</c> does: the manifest matches its
/// digest; config and every layer are present with the digest and size their descriptors give; each layer's diffID
/// (sha256 of its uncompressed tar) is the config's <c>rootfs.diff_ids</c> entry at the same index. An index is checked
/// child by child.
/// </summary>
public static class ImageValidator
{
    /// <summary>Every disagreement found in <paramref name="reference"/> (tag or digest) of <paramref name="repository"/>; empty when the image is valid.</summary>
    public static IReadOnlyList<string> Problems(InProcessRegistry registry, string repository, string reference)
    {
        var problems = new List<string>();
        if (registry.Manifest(repository, reference) is not { } manifest)
        {
            problems.Add($"{repository}:{reference}: no such manifest");
            return problems;
        }
        Check(registry, repository, manifest.Bytes, manifest.Digest, problems);
        return problems;
    }

    /// <summary>Fails the test, listing every problem, unless the image is valid.</summary>
    public static void AssertValid(InProcessRegistry registry, string repository, string reference)
    {
        var problems = Problems(registry, repository, reference);
        if (problems.Count > 0) throw new XunitException($"{repository}:{reference} is not a valid image:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>The problems of one manifest whose bytes and claimed digest are given, its blobs read through <paramref name="blob"/>.</summary>
    public static IReadOnlyList<string> Problems(byte[] manifest, Digest claimed, Func<Digest, byte[]?> blob)
    {
        var problems = new List<string>();
        Check(manifest, claimed, blob, problems, index => [], "manifest");
        return problems;
    }

    private static void Check(InProcessRegistry registry, string repository, byte[] bytes, Digest digest, List<string> problems) =>
        Check(bytes, digest, d => registry.HasBlob(repository, d) ? registry.Blob(d) : null, problems,
            child => registry.Manifest(repository, child.ToString()) is { } m ? [(m.Bytes, m.Digest)] : [], $"{repository}@{digest}");

    private static void Check(byte[] bytes, Digest digest, Func<Digest, byte[]?> blob, List<string> problems,
        Func<Digest, (byte[] Bytes, Digest Digest)[]> child, string what)
    {
        if (Digest.Sha256(bytes) != digest) problems.Add($"{what}: the manifest's bytes hash to {Digest.Sha256(bytes)}, not {digest}");
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;
        if (root.TryGetProperty("manifests", out var manifests))
        {
            foreach (var entry in manifests.EnumerateArray())
            {
                var childDigest = Digest.Parse(entry.GetProperty("digest").GetString()!);
                var found = child(childDigest);
                if (found.Length == 0) { problems.Add($"{what}: index entry {childDigest} is missing"); continue; }
                if (found[0].Bytes.Length != entry.GetProperty("size").GetInt64())
                    problems.Add($"{what}: index entry {childDigest} has size {found[0].Bytes.Length}, the index says {entry.GetProperty("size").GetInt64()}");
                Check(found[0].Bytes, childDigest, blob, problems, child, $"{what} > {childDigest.Short}");
            }
            return;
        }

        var configDescriptor = root.GetProperty("config");
        var config = Described(configDescriptor, blob, problems, $"{what}: config");
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        List<string>? diffIds = null;
        if (config is not null)
        {
            using var configJson = JsonDocument.Parse(config);
            diffIds = configJson.RootElement.TryGetProperty("rootfs", out var rootfs) && rootfs.TryGetProperty("diff_ids", out var ids)
                ? [.. ids.EnumerateArray().Select(i => i.GetString() ?? "")]
                : [];
            if (diffIds.Count != layers.Count) problems.Add($"{what}: {layers.Count} layer(s) but {diffIds.Count} diff_id(s) in the config");
        }
        for (var i = 0; i < layers.Count; i++)
        {
            var mediaType = layers[i].GetProperty("mediaType").GetString() ?? "";
            var content = Described(layers[i], blob, problems, $"{what}: layer {i}");
            if (content is null || diffIds is null || i >= diffIds.Count) continue;
            var diffId = DiffId(content, mediaType);
            if (diffId != diffIds[i]) problems.Add($"{what}: layer {i} uncompresses to {diffId}, the config's diff_ids[{i}] is {diffIds[i]}");
        }
    }

    /// <summary>The blob a descriptor names, after checking its digest and size; null (with the problem noted) when it is missing or wrong.</summary>
    private static byte[]? Described(JsonElement descriptor, Func<Digest, byte[]?> blob, List<string> problems, string what)
    {
        var digest = Digest.Parse(descriptor.GetProperty("digest").GetString()!);
        var size = descriptor.GetProperty("size").GetInt64();
        if (blob(digest) is not { } content)
        {
            problems.Add($"{what} {digest} is missing");
            return null;
        }
        if (Digest.Sha256(content) != digest) problems.Add($"{what}: the blob stored as {digest} hashes to {Digest.Sha256(content)}");
        if (content.Length != size) problems.Add($"{what} {digest} is {content.Length} bytes, the descriptor says {size}");
        return content;
    }

    private static string DiffId(byte[] content, string mediaType)
    {
        using var input = new MemoryStream(content);
        using Stream tar = mediaType.EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(input, CompressionMode.Decompress)
            : mediaType.EndsWith("zstd", StringComparison.Ordinal) ? new ZstdSharp.DecompressionStream(input)
            : input;
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar));
    }
}
