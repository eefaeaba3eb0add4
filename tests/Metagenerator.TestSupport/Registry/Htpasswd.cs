namespace Metagenerator.TestSupport.Registry;

/// <summary>Writes an htpasswd file with bcrypt hashes (what docker-registry's htpasswd auth accepts), via <c>htpasswd -Bbn</c>.</summary>
public static class Htpasswd
{
    /// <summary>Writes <paramref name="users"/> (user → password) to <paramref name="path"/>.</summary>
    public static async Task<string> WriteAsync(string path, IReadOnlyDictionary<string, string> users)
    {
        var lines = new List<string>();
        foreach (var (user, password) in users)
        {
            // bcrypt at cost 4, htpasswd's least: docker-registry checks the hash on every request, and these are test
            // passwords (1000 requests: 2.0 CPU-s at cost 4, 3.0 at cost 5).
            var result = (await ExternalTool.RunAsync("htpasswd", ["-Bbn", "-C", "4", user, password])).EnsureSuccess();
            lines.Add(result.StdOut.Trim());
        }
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }
}
