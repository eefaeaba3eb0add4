using System.Text.Json;
using Xunit;

namespace Metagenerator.TestSupport;

/// <summary>Reads a pushed image back with real tools: labels with skopeo inspect, files with skopeo copy + umoci unpack.</summary>
public static class ModelImageInspection
{
    /// <summary>The image's labels (<c>skopeo inspect</c> over plain HTTP).</summary>
    public static async Task<Dictionary<string, string?>> LabelsAsync(string reference)
    {
        var inspect = (await ExternalTool.RunAsync("skopeo", ["inspect", "--tls-verify=false", "docker://" + reference])).EnsureSuccess();
        using var json = JsonDocument.Parse(inspect.StdOut);
        return json.RootElement.GetProperty("Labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
    }

    /// <summary>Unpacks the image into <paramref name="workDir"/>/<paramref name="name"/> and returns the bundle directory (rootfs inside).</summary>
    public static async Task<string> UnpackAsync(string reference, string workDir, string name)
    {
        var layout = Path.Combine(workDir, name + "-oci");
        (await ExternalTool.RunAsync("skopeo", ["copy", "--src-tls-verify=false", "docker://" + reference, $"oci:{layout}:{name}"])).EnsureSuccess();
        var bundle = Path.Combine(workDir, name + "-bundle");
        (await ExternalTool.RunAsync("umoci", ["unpack", "--image", $"{layout}:{name}", bundle])).EnsureSuccess();
        return bundle;
    }

    /// <summary>Asserts the model-image labels under <c>example-generator.v3.</c> are exactly <paramref name="expected"/>.</summary>
    public static void AssertContractLabels(IReadOnlyDictionary<string, string?> labels, IReadOnlyDictionary<string, string> expected)
    {
        foreach (var (key, value) in expected)
        {
            Assert.True(labels.TryGetValue(key, out var actual), $"label {key} missing; labels: {string.Join(", ", labels.Keys)}");
            Assert.Equal(value, actual);
        }
        Assert.Empty(labels.Keys.Where(k => k.StartsWith("example-generator.", StringComparison.Ordinal)).Except(expected.Keys));
    }
}
