using System.Text.RegularExpressions;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// The Dockerfile's NativeAOT publish: no trim, AOT or other build warning, and the binary's reflection-free paths (the
/// source-generated JSON, the YAML reader) work in the image.
/// </summary>
/// <remarks>This is the test run's only NativeAOT publish. A second one on the host (it was NativeAotPublishTests in the
/// CLI tests: the same command on the same sources, about two minutes of both cores) proved nothing the image's build and
/// the image tests do not.</remarks>
[Collection(EngineCollections.Image)]
[Tier(Tier.Engine)]
public sealed partial class MetageneratorPublishTests(EngineFixture fixture)
{
    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task The_Dockerfiles_NativeAOT_publish_has_no_warning()
    {
        await fixture.MetageneratorImageAsync();
        var output = fixture.MetageneratorBuildOutput;

        // The publish's own lines are in the captured output (its "PROJECT -> /out/" line), so a warning would be too.
        Assert.Contains(" -> /out/", output);
        var warnings = output.Split('\n').Where(line => BuildWarning().IsMatch(line)).ToList();
        Assert.True(warnings.Count == 0, string.Join('\n', warnings));
    }

    [NeedsToolsFact("dockerd", "docker", "mmdebstrap", "docker-registry")]
    public async Task Validate_writes_its_json_report_from_the_native_binary()
    {
        await fixture.MetageneratorImageAsync();
        using var dir = new TempDirectory("mg-aot-json");
        dir.WriteFile("bad.yml", "Bad:\n  version: v1\n");

        var validate = await fixture.RunAsync(["-v", $"{dir.Path}:/workspace", EngineFixture.MetageneratorImage, "validate", "bad.yml", "--format", "json"]);

        Assert.Equal(2, validate.ExitCode);
        Assert.StartsWith("[{\"file\":", validate.StdOut.Trim());
    }

    /// <summary>An MSBuild diagnostic line: "…: warning IL2026: …", "warning NU1603: …", "warning CS8618: …".</summary>
    [GeneratedRegex(@"\bwarning [A-Z]+[0-9]+:")]
    private static partial Regex BuildWarning();
}
