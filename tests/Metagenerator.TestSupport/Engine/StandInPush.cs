using System.Security.Cryptography;
using System.Text;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.TestSupport.Engine;

/// <summary>
/// Puts a stand-in into a test registry and into an engine, under both the registry reference and its upstream name.
/// </summary>
/// <remarks>
/// The first time (per root filesystem and import changes) as a user would: <c>docker import</c>, <c>docker push</c>; the
/// image as pushed (manifest, config and compressed layer, byte for byte: skopeo's <c>dir:</c> transport) is then kept
/// beside the root filesystem tar. Later runs copy that to the registry with skopeo and <c>docker pull</c> it. The push had
/// the engine gzip the whole layer every run: about 13 CPU-s for the 343 MB BuildKit stand-in, some 35 for the four
/// pushed stand-ins, more than the pull's gunzip costs. After the pull the engine knows the layer's registry digest, as
/// after its own push, so a generator image built on the stand-in pulls nothing of it again.
/// </remarks>
public static class StandInPush
{
    /// <summary>Makes <paramref name="reference"/> hold the stand-in and the engine have it under both names.</summary>
    public static async Task PushAsync(DockerEngine engine, string rootFilesystem, string name, IReadOnlyList<string> changes,
        string reference, SkopeoAuth auth, CancellationToken ct = default)
    {
        var pushed = PushedCopyPath(rootFilesystem, changes);
        if (File.Exists(Path.Combine(pushed, "manifest.json")))
        {
            (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--preserve-digests", .. auth.DestinationArgs(), "dir:" + pushed, "docker://" + reference], ct: ct))
                .EnsureSuccess();
            // From an engine's seed (EngineSeed) that has pulled it before, the pull downloads no layer.
            await engine.PullAsync(reference, ct);
            await engine.DockerCheckedAsync("tag", reference, name);
            engine.StandIns.Enqueue(new StandInLoad(name, pushed, changes, PulledFrom: reference));
            return;
        }

        await engine.ImportAsync(rootFilesystem, name, changes, ct);
        await engine.DockerCheckedAsync("tag", name, reference);
        (await engine.DockerAsync(["push", reference], timeout: TimeSpan.FromMinutes(15), ct: ct)).EnsureSuccess();
        var partial = pushed + ".partial-" + Environment.ProcessId;
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--preserve-digests", .. auth.CopySourceArgs(), "docker://" + reference, "dir:" + partial], ct: ct))
            .EnsureSuccess();
        // Another test run may have kept its copy first: either is the same image.
        try { Directory.Move(partial, pushed); }
        catch (IOException) { Directory.Delete(partial, recursive: true); }
        engine.StandIns.Enqueue(new StandInLoad(name, pushed, changes, PulledFrom: reference));
    }

    /// <summary>Deletes what was kept for the root filesystem <paramref name="rootFilesystem"/> (a replaced recipe's).</summary>
    public static void DeletePushedCopies(string rootFilesystem)
    {
        var directory = Path.GetDirectoryName(rootFilesystem)!;
        if (!Directory.Exists(directory)) return;
        foreach (var copy in Directory.EnumerateDirectories(directory, Path.GetFileName(rootFilesystem) + ".pushed-*"))
            Directory.Delete(copy, recursive: true);
    }

    /// <summary>Where the pushed image of this root filesystem with these import changes is kept.</summary>
    private static string PushedCopyPath(string rootFilesystem, IReadOnlyList<string> changes)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', changes))))[..12].ToLowerInvariant();
        return $"{rootFilesystem}.pushed-{hash}";
    }
}
