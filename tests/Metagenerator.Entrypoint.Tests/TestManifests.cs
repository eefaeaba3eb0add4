using Metagenerator.Manifest;

namespace Metagenerator.Entrypoint.Tests;

/// <summary>The two real manifests (seed example and real-world extended), loaded by the manifest library.</summary>
internal static class TestManifests
{
    /// <summary>The seed example (example-generator v3); messages name it seed/GENERATOR-MANIFEST.yml.</summary>
    public static GeneratorManifest Seed() => Load("seed-example") with { Path = "seed/GENERATOR-MANIFEST.yml" };

    /// <summary>The real-world extended manifest (reformers-dt-wind-gen-fc v1); named extended/GENERATOR-MANIFEST.yml.</summary>
    public static GeneratorManifest Extended() => Load("realworld-extended") with { Path = "extended/GENERATOR-MANIFEST.yml" };

    private static GeneratorManifest Load(string fixture) =>
        ManifestLoader.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", fixture, "GENERATOR-MANIFEST.yml"));

    /// <summary>Both fixtures by name, for theories.</summary>
    public static GeneratorManifest ByName(string name) => name switch
    {
        "seed" => Seed(),
        "extended" => Extended(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>A copy of <paramref name="m"/> with one build parameter's default replaced.</summary>
    public static GeneratorManifest WithParameterDefault(GeneratorManifest m, string name, string value) => m with
    {
        BuildParameters = m.BuildParameters.Select(p => p.Name == name ? p with { Value = p.Value with { Text = value } } : p).ToList(),
    };

    /// <summary>A copy of <paramref name="m"/> with one config value replaced.</summary>
    public static GeneratorManifest WithConfig(GeneratorManifest m, string key, string value) => m with
    {
        Config = m.Config.Select(c => c.Key == key ? new KeyValuePair<string, ManifestValue>(key, c.Value with { Text = value }) : c).ToList(),
    };
}
