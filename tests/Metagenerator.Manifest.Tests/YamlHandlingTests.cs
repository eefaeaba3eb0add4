using System.Globalization;
using System.Text;
using System.Text.Json;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Manifest.Tests;

[Tier(Tier.Unit)]
public class YamlHandlingTests
{
    private const string Head =
        "gen:\n" +
        "  version: v1\n" +
        "  config:\n" +
        "    GENERATOR_REGISTRY: localhost:5000\n" +
        "    MODEL_REGISTRY: localhost:5000\n" +
        "    MODEL_DOCKERFILE: Dockerfile\n" +
        "  parameters:\n";

    private static GeneratorManifest WithDefault(string yamlValue) =>
        TestFiles.Parse(Head + "    P:\n      info: p\n      default: " + yamlValue + "\n");

    [Theory]
    [InlineData("042", "042")]
    [InlineData("yes", "yes")]
    [InlineData("no", "no")]
    [InlineData("true", "true")]
    [InlineData("True", "True")]
    [InlineData("42", "42")]
    [InlineData("1e3", "1e3")]
    [InlineData("0x1F", "0x1F")]
    [InlineData("3.10", "3.10")]
    [InlineData("-0", "-0")]
    [InlineData(".inf", ".inf")]
    [InlineData("~", "~")]
    [InlineData("null", "null")]
    [InlineData("", "")]
    [InlineData("''", "")]
    [InlineData("\"false\"", "false")]
    [InlineData("'it''s'", "it's")]
    [InlineData("\"tab\\there\"", "tab\there")]
    [InlineData("$(rm -rf /)", "$(rm -rf /)")]
    [InlineData("a # comment", "a")]
    [InlineData("!!str 042", "042")]
    [InlineData("grüße 🚀", "grüße 🚀")]
    public void Scalars_keep_their_source_text(string yamlValue, string expected)
    {
        var m = WithDefault(yamlValue);
        Assert.Equal(expected, m.BuildParameters[0].Value.Text);
        Assert.Contains(m.Labels, l => l.Key == "gen.v1.parameters.P.default" && l.Value == expected);
    }

    [Fact]
    public void Block_scalars_keep_their_line_breaks()
    {
        var m = WithDefault("|\n        line one\n        line two");
        Assert.Equal("line one\nline two\n", m.BuildParameters[0].Value.Text);
    }

    [Fact]
    public void Numbers_and_booleans_are_accepted_as_version_and_config()
    {
        var m = TestFiles.Parse("gen:\n  version: 30\n  config:\n    GENERATOR_REGISTRY: ''\n    MODEL_REGISTRY:\n    MODEL_DOCKERFILE: Dockerfile\n    RETRIES: 5\n    DEBUG: false\n");
        Assert.Equal("30", m.Version);
        Assert.Equal("", m.GeneratorRegistry);
        Assert.Equal("", m.ModelRegistry);
        Assert.Equal("5", m.ConfigValue("RETRIES"));
        Assert.Equal("false", m.ConfigValue("DEBUG"));
        Assert.Empty(m.BuildParameters);
    }

    [Fact]
    public void Utf8_bom_is_skipped_and_the_exact_bytes_are_kept()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(File.ReadAllBytes(TestFiles.SeedPath)).ToArray();
        var m = ManifestLoader.Parse(bytes, "bom.yml");
        Assert.Equal("example-generator", m.Name);
        Assert.Equal(bytes, m.SourceBytes.ToArray());
    }

    [Fact]
    public void Utf16_with_bom_is_read()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(TestFiles.SeedText)).ToArray();
        Assert.Equal("example-generator", ManifestLoader.Parse(bytes, "u16.yml").Name);
    }

    [Fact]
    public void Crlf_line_endings_give_the_same_manifest_and_line_numbers()
    {
        var lf = ManifestLoader.Load(TestFiles.SeedPath);
        var crlf = TestFiles.Parse(TestFiles.SeedText.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(lf.Labels, crlf.Labels);
        Assert.Equal(lf.BuildParameters.Select(p => (p.Value.Text, p.Value.Line, p.Value.Column)), crlf.BuildParameters.Select(p => (p.Value.Text, p.Value.Line, p.Value.Column)));

        var errors = TestFiles.Errors(TestFiles.SeedText.Replace("version: v3", "version: v3.1", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(3, Assert.Single(errors).Line);
    }

    [Fact]
    public void Tabs_inside_values_and_after_colons_are_fine()
    {
        var m = TestFiles.Parse(Head + "    P:\n      info:\ta\tb\n      default: x\ty\n");
        Assert.Equal("a\tb", m.BuildParameters[0].Info);
        Assert.Equal("x\ty", m.BuildParameters[0].Value.Text);
    }

    [Theory]
    [InlineData("gen:\n\tversion: v1\n", 2, 1)]
    [InlineData("gen:\n  version: v1\n  config:\n  \tGENERATOR_REGISTRY: x\n", 4, 3)]
    public void Tab_indentation_is_reported_at_the_tab(string yaml, int line, int column)
    {
        var e = Assert.Single(TestFiles.Errors(yaml));
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.Contains("tab is used for indentation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_reported_with_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes("gen:\n  version: v1\n  config: ").Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.Parse(bytes, "bad.yml"));
        var e = Assert.Single(ex.Errors);
        Assert.Equal((3, 11, "(file)"), (e.Line, e.Column, e.KeyPath));
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_file_is_rejected_without_parsing()
    {
        var bytes = new byte[1024 * 1024 + 1];
        Array.Fill(bytes, (byte)'#');
        var e = Assert.Single(Assert.Throws<ManifestException>(() => ManifestLoader.Parse(bytes, "big.yml")).Errors);
        Assert.Equal(("big.yml", 1, "(file)"), (e.File, e.Line, e.KeyPath));
        Assert.Contains("at most 1048576 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anchors_and_aliases_share_values()
    {
        var m = TestFiles.Parse(Head +
            "    P:\n      info: &i shared description\n      default: &d 7\n" +
            "    Q:\n      info: *i\n      default: *d\n" +
            "  build:\n    cache: &c [a:1, b:2]\n    again: *c\n");
        Assert.Equal("shared description", m.BuildParameters[1].Info);
        Assert.Equal("7", m.BuildParameters[1].Value.Text);
        Assert.Contains(new KeyValuePair<string, string>("gen.v1.build.again", "[\"a:1\",\"b:2\"]"), m.Labels);
    }

    /// <summary>The work is bounded by where reading stops, not by a clock: at the first alias past the cap, with nothing expanded.</summary>
    [Fact]
    public void Alias_bomb_is_rejected_at_the_first_list_past_the_cap()
    {
        // 10^30 values once expanded; reading must stop at line 5, where a4 passes 100,000 (111,111).
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 30; i++)
            yaml.Append(CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        var e = Assert.Single(TestFiles.Errors(yaml.ToString()));
        Assert.Contains("alias bomb", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void Deep_nesting_is_rejected_not_crashed()
    {
        var yaml = "gen:\n  build:\n    x: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var e = Assert.Single(TestFiles.Errors(yaml));
        Assert.Contains("nested more than 64 levels", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Missing_file_is_a_manifest_error()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("GENERATOR-MANIFEST.yml");
        var e = Assert.Single(Assert.Throws<ManifestException>(() => ManifestLoader.Load(path)).Errors);
        Assert.Equal($"{path}:1:1: error: (file): file not found; create it ('metagenerator init' writes an example GENERATOR-MANIFEST.yml) or pass the manifest's path", e.ToString());
    }

    [Fact]
    public void Directory_instead_of_file_is_a_manifest_error()
    {
        using var dir = new TempDirectory();
        var e = Assert.Single(Assert.Throws<ManifestException>(() => ManifestLoader.Load(dir.Path)).Errors);
        Assert.Equal((dir.Path, 1, "(file)"), (e.File, e.Line, e.KeyPath));
        Assert.Contains("is a directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_a_file_from_disk()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("GENERATOR-MANIFEST.yml", ManifestTemplates.InitManifest);
        Assert.Equal("example-generator", ManifestLoader.Load(path).Name);
    }

    [Fact]
    public void Error_text_and_json_forms()
    {
        var errors = TestFiles.Errors(Head.Replace("version: v1", "version: \"1.0\"", StringComparison.Ordinal) + "    BAD-NAME:\n      info: \"ü\"\n      default: 1\n", "dir/GENERATOR-MANIFEST.yml");
        Assert.Equal(
            [
                "dir/GENERATOR-MANIFEST.yml:2:12: error: gen.version: version '1.0' contains '.', which is not allowed because image labels are split on dots, e.g. '1-0'",
                "dir/GENERATOR-MANIFEST.yml:8:5: error: gen.parameters.BAD-NAME: 'BAD-NAME' is not a valid environment variable name: use letters, digits and '_', not starting with a digit",
            ],
            errors.Select(e => e.ToString()));
        var ex = new ManifestException(errors);
        Assert.Equal(string.Join('\n', errors), ex.Message);

        using var json = JsonDocument.Parse(ex.ToJson());
        var first = json.RootElement[0];
        Assert.Equal(2, json.RootElement.GetArrayLength());
        Assert.Equal("dir/GENERATOR-MANIFEST.yml", first.GetProperty("file").GetString());
        Assert.Equal(2, first.GetProperty("line").GetInt32());
        Assert.Equal(12, first.GetProperty("column").GetInt32());
        Assert.Equal("gen.version", first.GetProperty("keyPath").GetString());
        Assert.StartsWith("version '1.0' contains", first.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("[{\"file\":\"dir/GENERATOR-MANIFEST.yml\",\"line\":2,\"column\":12,\"keyPath\":\"gen.version\",\"message\":", ex.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_and_maps_inside_lists_become_compact_json_labels()
    {
        var m = TestFiles.Parse(Head + "  build:\n    cache: []\n    matrix:\n      - {os: linux, n: 1}\n      - [a, \"b\\\"c\"]\n    nested:\n      deeper:\n        key: 042\n");
        Assert.Contains(new KeyValuePair<string, string>("gen.v1.build.cache", "[]"), m.Labels);
        Assert.Contains(new KeyValuePair<string, string>("gen.v1.build.matrix", "[{\"os\":\"linux\",\"n\":\"1\"},[\"a\",\"b\\\"c\"]]"), m.Labels);
        Assert.Contains(new KeyValuePair<string, string>("gen.v1.build.nested.deeper.key", "042"), m.Labels);
    }

    [Fact]
    public void Empty_sections_give_no_labels()
    {
        var m = TestFiles.Parse(Head + "  build:\n");
        Assert.DoesNotContain(m.Labels, l => l.Key.Contains(".parameters", StringComparison.Ordinal) || l.Key.Contains(".build", StringComparison.Ordinal));
        Assert.Equal("org.opencontainers.image.version=v1", $"{m.Labels[^1].Key}={m.Labels[^1].Value}");
    }

    [Fact]
    public void Build_settings_are_read()
    {
        var m = TestFiles.Parse(Head + "  build:\n    builder: buildah\n    base_image: quay.io/buildah/stable:v1.37\n    cache:\n      - python:3.12-slim\n");
        Assert.Equal("buildah", m.Builder);
        Assert.Equal("quay.io/buildah/stable:v1.37", m.BaseImage);
        Assert.Equal(["python:3.12-slim"], m.BuildCache);
        Assert.Equal("oci:/tmp/layout:v1", TestFiles.Parse(Head + "  build:\n    base_image: oci:/tmp/layout:v1\n").BaseImage);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:5000")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("10.0.0.1")]
    [InlineData("[::1]:5000")]
    [InlineData("[fe80::1]")]
    [InlineData("ghcr.io/some-org")]
    [InlineData("ghcr.io/org/team")]
    [InlineData("reformers-dev.ait.ac.at:8082")]
    [InlineData("Registry.Example.com:443/a.b/c_d/e--f")]
    [InlineData("myregistry:5000")]
    public void Registries_accepted(string registry) => Assert.Null(ManifestRules.CheckRegistry(registry));

    [Fact]
    public void Model_dockerfile_must_exist_in_the_model_source()
    {
        using var dir = new TempDirectory();
        var manifestPath = dir.WriteFile("GENERATOR-MANIFEST.yml", ManifestTemplates.InitManifest);
        var manifest = ManifestLoader.Load(manifestPath);
        var modelSrc = dir.Combine("model-src");

        var missingDir = Assert.Single(ManifestLoader.CheckModelSource(manifest, modelSrc));
        Assert.Equal("example-generator.config.MODEL_DOCKERFILE", missingDir.KeyPath);
        Assert.Contains($"'{modelSrc}' does not exist", missingDir.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(modelSrc);
        var missing = Assert.Single(ManifestLoader.CheckModelSource(manifest, modelSrc));
        Assert.Equal("example-generator.config.MODEL_DOCKERFILE", missing.KeyPath);
        Assert.Equal(manifest.Config.First(c => c.Key == "MODEL_DOCKERFILE").Value.Line, missing.Line);
        Assert.Contains("'Dockerfile' does not exist in the model source", missing.Message, StringComparison.Ordinal);

        dir.WriteFile("model-src/Dockerfile", ManifestTemplates.InitDockerfile);
        Assert.Empty(ManifestLoader.CheckModelSource(manifest, modelSrc));
    }

    [Fact]
    public void Model_dockerfile_symlink_may_not_leave_the_model_source()
    {
        using var dir = new TempDirectory();
        var outside = dir.WriteFile("outside/Dockerfile", "FROM busybox\n");
        Directory.CreateDirectory(dir.Combine("model-src"));
        File.CreateSymbolicLink(dir.Combine("model-src", "Dockerfile"), outside);
        var manifest = TestFiles.Parse(ManifestTemplates.InitManifest);
        var e = Assert.Single(ManifestLoader.CheckModelSource(manifest, dir.Combine("model-src")));
        Assert.Equal("example-generator.config.MODEL_DOCKERFILE", e.KeyPath);
        Assert.Contains("outside the model source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reporting_stops_after_a_hundred_errors()
    {
        var duplicates = TestFiles.Errors("gen:\n" + string.Concat(Enumerable.Repeat("  k: v\n", 500)));
        Assert.Equal(101, duplicates.Count);
        Assert.Equal("stopped after 100 errors; fix these and run again", duplicates[^1].Message);

        var unknown = TestFiles.Errors(Head + string.Concat(Enumerable.Range(0, 500).Select(i => $"  k{i}: v\n")));
        Assert.Equal(101, unknown.Count);
        Assert.Equal(unknown.OrderBy(e => e.Line).Select(e => e.Line), unknown.Select(e => e.Line));
    }

    [Fact]
    public void A_huge_document_without_aliases_is_rejected_by_size_of_content()
    {
        var yaml = "gen:\n  build:\n    x:\n" + string.Concat(Enumerable.Range(0, 100_001).Select(i => "    - v\n"));
        var e = Assert.Single(TestFiles.Errors(yaml));
        Assert.Contains("holds more than 100000 values", e.Message, StringComparison.Ordinal);
        Assert.Equal("gen.build.x", e.KeyPath);
    }
}
