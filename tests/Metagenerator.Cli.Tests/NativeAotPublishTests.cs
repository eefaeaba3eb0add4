using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>The CLI publishes as a NativeAOT binary without trim or AOT warnings, and that binary works.</summary>
[Tier(Tier.Tools)]
public class NativeAotPublishTests
{
    [NeedsToolsFact("dotnet")]
    public async Task Publishes_without_trim_or_aot_warnings_and_the_binary_runs()
    {
        var repo = RepositoryRoot();
        using var copy = new TempDirectory("mg-aot");
        // A private copy of the sources, so this publish never touches the build outputs other tests use.
        File.Copy(Path.Combine(repo, "Directory.Build.props"), copy.Combine("Directory.Build.props"));
        File.Copy(Path.Combine(repo, "Directory.Packages.props"), copy.Combine("Directory.Packages.props"));
        CopyTree(Path.Combine(repo, "src"), copy.Combine("src"));

        var publish = await ExternalTool.RunAsync("dotnet",
            ["publish", "src/Metagenerator.Cli", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", copy.Combine("out"), "-nologo"],
            copy.Path, timeout: TimeSpan.FromMinutes(10));
        Assert.True(publish.ExitCode == 0, publish.StdOut + publish.StdErr);
        var warnings = (publish.StdOut + publish.StdErr).Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(warnings.Count == 0, string.Join('\n', warnings));

        var binary = copy.Combine("out", "metagenerator");
        var version = await ExternalTool.RunAsync(binary, ["--version"]);
        Assert.Equal(0, version.ExitCode);
        // The source-generated JSON and the YAML reader work without reflection: validate and labels run.
        var manifest = copy.WriteFile("m/GENERATOR-MANIFEST.yml", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "seed-example", "GENERATOR-MANIFEST.yml")));
        var labels = await ExternalTool.RunAsync(binary, ["labels", manifest]);
        Assert.True(labels.ExitCode == 0, labels.StdErr);
        Assert.Contains("example-generator.v3.build.cache=[\"python:3.10\",\"python:3.10-slim\"]", labels.StdOut);
        var invalid = copy.WriteFile("bad.yml", "Bad:\n  version: v1\n");
        var validate = await ExternalTool.RunAsync(binary, ["validate", invalid, "--format", "json"]);
        Assert.Equal(2, validate.ExitCode);
        Assert.StartsWith("[{\"file\":", validate.StdOut.Trim());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Metagenerator.slnx"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Metagenerator.slnx) was not found above " + AppContext.BaseDirectory);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split('/').Any(part => part is "bin" or "obj")) continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
