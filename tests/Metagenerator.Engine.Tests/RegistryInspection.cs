using System.Text.Json;
using Metagenerator.TestSupport;

namespace Metagenerator.Engine.Tests;

/// <summary>Reads images back from the test registry with skopeo, with the test user's credentials.</summary>
internal static class RegistryInspection
{
    private static IEnumerable<string> Auth => ["--tls-verify=false", $"--creds={EngineFixture.User}:{EngineFixture.Password}"];

    /// <summary>The image's config labels.</summary>
    public static async Task<Dictionary<string, string?>> LabelsAsync(string reference)
    {
        var inspect = (await ExternalTool.RunAsync("skopeo", ["inspect", .. Auth, "docker://" + reference])).EnsureSuccess();
        using var json = JsonDocument.Parse(inspect.StdOut);
        return json.RootElement.GetProperty("Labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
    }

    /// <summary>The image manifest's layer sizes (compressed, as pushed) and the config's size.</summary>
    public static async Task<(IReadOnlyList<long> Layers, long Config)> SizesAsync(string reference)
    {
        var raw = (await ExternalTool.RunAsync("skopeo", ["inspect", "--raw", .. Auth, "docker://" + reference])).EnsureSuccess();
        using var json = JsonDocument.Parse(raw.StdOut);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("size").GetInt64()).ToList();
        return (layers, json.RootElement.GetProperty("config").GetProperty("size").GetInt64());
    }

    /// <summary>True when the registry has the tag.</summary>
    public static async Task<bool> ExistsAsync(string reference) =>
        (await ExternalTool.RunAsync("skopeo", ["inspect", "--raw", .. Auth, "docker://" + reference])).ExitCode == 0;
}
