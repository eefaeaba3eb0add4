using Metagenerator.Manifest;
using Metagenerator.TestSupport;

namespace Metagenerator.Build.Tests;

/// <summary>Workspaces for builds: a fixture manifest (with its registry pointed at a test registry) and a model source.</summary>
internal static class TestModels
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name, "GENERATOR-MANIFEST.yml");

    /// <summary>
    /// Copies a fixture manifest into <paramref name="dir"/> with GENERATOR_REGISTRY and MODEL_REGISTRY set to
    /// <paramref name="registry"/>, the seed's <c>version: v3</c> changed to <paramref name="version"/> when given, and
    /// the seed's generator name <c>example-generator</c> (so the repository it is pushed to) changed to
    /// <paramref name="name"/> when given: tests sharing a registry each push to a repository of their own.
    /// </summary>
    public static string WriteManifest(TempDirectory dir, string fixture, string registry, string? version = null, string? name = null)
    {
        var text = File.ReadAllText(Fixture(fixture))
            .Replace("reformers-dev.ait.ac.at:8082", registry)
            .Replace("reformers-dev.ait.ac.at:8083", registry);
        if (version is not null) text = text.Replace("version: v3", $"version: {version}");
        if (name is not null)
        {
            const string seedName = "\nexample-generator:\n";
            if (!text.Contains(seedName, StringComparison.Ordinal))
                throw new InvalidOperationException($"fixture {fixture} has no generator named example-generator to rename");
            text = text.Replace(seedName, $"\n{name}:\n");
        }
        return dir.WriteFile("GENERATOR-MANIFEST.yml", text);
    }

    /// <summary>A model source with the Dockerfile the manifest names, a nested file, an executable, a symlink and ignored files.</summary>
    public static string WriteModelSource(TempDirectory dir, GeneratorManifest manifest)
    {
        dir.WriteFile($"model-src/{manifest.ModelDockerfile}", "FROM base\nCOPY . /model\n");
        dir.WriteFile("model-src/model/simulate.py", "print('simulating')\n");
        var run = dir.WriteFile("model-src/run.sh", "#!/bin/sh\nexec python /model/model/simulate.py\n");
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        File.CreateSymbolicLink(dir.Combine("model-src", "latest.py"), "model/simulate.py");
        dir.WriteFile("model-src/.dockerignore", "*.log\nscratch/\n");
        dir.WriteFile("model-src/debug.log", "secret local notes\n");
        dir.WriteFile("model-src/scratch/big.tmp", "temporary\n");
        return dir.Combine("model-src");
    }
}
