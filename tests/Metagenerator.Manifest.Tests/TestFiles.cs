using System.Text;
using Metagenerator.Manifest;

namespace Metagenerator.Manifest.Tests;

internal static class TestFiles
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    public static string SeedPath => PathOf("seed-example/GENERATOR-MANIFEST.yml");

    public static string ExtendedPath => PathOf("realworld-extended/GENERATOR-MANIFEST.yml");

    public static string SeedText => File.ReadAllText(SeedPath);

    public static string ExtendedText => File.ReadAllText(ExtendedPath);

    public static GeneratorManifest Parse(string yaml, string file = "m.yml") =>
        ManifestLoader.Parse(Encoding.UTF8.GetBytes(yaml), file);

    public static IReadOnlyList<ManifestError> Errors(string yaml, string file = "m.yml")
    {
        var ex = Assert.Throws<ManifestException>(() => Parse(yaml, file));
        Assert.NotEmpty(ex.Errors);
        return ex.Errors;
    }
}
