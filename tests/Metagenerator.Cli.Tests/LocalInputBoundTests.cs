using System.Text;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// Issue 20 point 6: local inputs named by the user or found in an <c>oci:</c> layout are read as small input files:
/// regular files only (a FIFO is refused, never waited on), capped while reading (a symlink to /dev/zero is refused,
/// never read into memory). The real program, in a child process, with a short deadline so a hang fails the test.
/// </summary>
[Tier(Tier.Tools)]
public sealed class LocalInputBoundTests
{
    /// <summary>The cap on a layout's index, manifests and configs (OciLayout.MaxJsonBytes, as for a registry's).</summary>
    private const int MaxJsonBytes = 4 * 1024 * 1024;

    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "metagenerator.dll");

    private static Task<ToolResult> RunAsync(TempDirectory dir, params string[] args) =>
        ExternalTool.RunAsync(ExternalTool.Require("dotnet"), ["exec", Dll, .. args], dir.Path,
            new Dictionary<string, string?> { ["HOME"] = dir.Path, ["EXTRA_FLAGS"] = null, ["DOCKER_CONFIG"] = null }, timeout: TimeSpan.FromSeconds(60));

    private static async Task MakeAsync(string path, string kind)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (kind == "fifo") (await ExternalTool.RunAsync("mkfifo", [path])).EnsureSuccess();
        else File.CreateSymbolicLink(path, "/dev/zero");
    }

    private static void AssertClearError(ToolResult result, int exitCode, params string[] parts)
    {
        Assert.Equal(exitCode, result.ExitCode);
        foreach (var part in parts) Assert.Contains(part, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }

    private static string Describe(string kind) => kind == "fifo" ? "named pipe (FIFO)" : "character device";

    [NeedsToolsTheory("mkfifo")]
    [InlineData("fifo")]
    [InlineData("zero")]
    public async Task A_registry_certificate_that_is_not_a_regular_file_is_refused(string kind)
    {
        using var dir = new TempDirectory();
        var ca = dir.Combine("ca.pem");
        await MakeAsync(ca, kind);

        var result = await RunAsync(dir, "inspect", "127.0.0.1:9/gen:v1", "--registry-certificate", $"127.0.0.1:9={ca}");

        AssertClearError(result, 2, ca, Describe(kind)); // a local file the user named: invalid input
    }

    [NeedsToolsTheory("mkfifo")]
    [InlineData("fifo")]
    [InlineData("zero")]
    public async Task An_oci_layout_index_that_is_not_a_regular_file_is_refused(string kind)
    {
        using var dir = new TempDirectory();
        dir.WriteFile("layout/oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        await MakeAsync(dir.Combine("layout", "index.json"), kind);

        var result = await RunAsync(dir, "inspect", $"oci:{dir.Combine("layout")}");

        AssertClearError(result, 3, "index.json", Describe(kind));
    }

    [NeedsToolsTheory("mkfifo")]
    [InlineData("fifo")]
    [InlineData("zero")]
    public async Task An_oci_layout_manifest_blob_that_is_not_a_regular_file_is_refused(string kind)
    {
        using var dir = new TempDirectory();
        var manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2}""");
        var digest = Digest.Sha256(manifest);
        dir.WriteFile("layout/oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        dir.WriteFile("layout/index.json", IndexJson(digest, manifest.Length));
        await MakeAsync(dir.Combine("layout", "blobs", "sha256", digest.Hex), kind);

        var result = await RunAsync(dir, "inspect", $"oci:{dir.Combine("layout")}:v1");

        AssertClearError(result, 3, digest.ToString(), Describe(kind));
    }

    [Fact]
    public async Task An_oci_layout_index_larger_than_the_cap_is_refused_without_reading_it_all()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("layout/oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        // Valid JSON (whitespace, then an empty index) larger than any index: read whole, it would parse.
        await File.WriteAllTextAsync(dir.Combine("layout", "index.json"), new string(' ', MaxJsonBytes + 1) + """{"schemaVersion":2,"manifests":[]}""");

        var result = await RunAsync(dir, "inspect", $"oci:{dir.Combine("layout")}");

        AssertClearError(result, 3, "index.json", $"more than {MaxJsonBytes} bytes");
    }

    private static string IndexJson(Digest manifest, long size) => new System.Text.Json.Nodes.JsonObject
    {
        ["schemaVersion"] = 2,
        ["manifests"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["mediaType"] = MediaTypes.OciManifest, ["digest"] = manifest.ToString(), ["size"] = size,
            ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["org.opencontainers.image.ref.name"] = "v1" },
        }),
    }.ToJsonString();
}
