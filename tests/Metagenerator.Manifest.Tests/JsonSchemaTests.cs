using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Manifest.Tests;

/// <summary>
/// The shipped JSON Schema (for editors' YAML language servers) agrees with the validator on the fixtures and on
/// representative invalid manifests. YAML is turned into JSON the way a YAML 1.2 language server sees it.
/// </summary>
[Tier(Tier.Unit)]
public partial class JsonSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(TestFiles.PathOf("generator-manifest.schema.json")));

    private static bool SchemaAccepts(string yaml, out string details)
    {
        using var json = JsonDocument.Parse(YamlToJson(yaml));
        var result = Schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        details = string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
        return result.IsValid;
    }

    private static bool ValidatorAccepts(string yaml) =>
        ManifestLoader.TryParse(Encoding.UTF8.GetBytes(yaml), "m.yml", out _, out _);

    [Theory]
    [InlineData("seed-example/GENERATOR-MANIFEST.yml")]
    [InlineData("realworld-extended/GENERATOR-MANIFEST.yml")]
    public void Schema_accepts_the_fixtures(string fixture)
    {
        var yaml = File.ReadAllText(TestFiles.PathOf(fixture));
        Assert.True(SchemaAccepts(yaml, out var details), details);
        Assert.True(ValidatorAccepts(yaml));
    }

    [Fact]
    public void Schema_is_valid_against_the_draft_2020_12_meta_schema()
    {
        using var schemaJson = JsonDocument.Parse(File.ReadAllText(TestFiles.PathOf("generator-manifest.schema.json")));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schemaJson.RootElement.GetProperty("$schema").GetString());
        var result = MetaSchemas.Draft202012.Evaluate(schemaJson.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid);
        // The meta-schema check is real: a wrongly typed keyword fails it.
        using var broken = JsonDocument.Parse("{\"type\": 42}");
        Assert.False(MetaSchemas.Draft202012.Evaluate(broken.RootElement).IsValid);
    }

    [Fact]
    public void Schema_accepts_the_init_template()
    {
        Assert.True(SchemaAccepts(ManifestTemplates.InitManifest, out var details), details);
    }

    private const string Head =
        "gen:\n  version: v1\n  config:\n    GENERATOR_REGISTRY: localhost:5000\n    MODEL_REGISTRY: localhost:5000\n    MODEL_DOCKERFILE: Dockerfile\n";

    public static TheoryData<string> ValidVariants => new()
    {
        Head + "  parameters:\n    N:\n      info: a number\n      default: 42\n    B:\n      info: a boolean\n      default: true\n    Z:\n      info: leading zero\n      default: 042\n    E:\n      info: empty\n      default:\n",
        Head.Replace("localhost:5000", "''", StringComparison.Ordinal),
        Head.Replace("MODEL_REGISTRY: localhost:5000", "MODEL_REGISTRY:", StringComparison.Ordinal),
        Head.Replace("localhost:5000", "127.0.0.1:5000", StringComparison.Ordinal),
        Head.Replace("localhost:5000", "'[::1]:5000'", StringComparison.Ordinal),
        Head.Replace("localhost:5000", "ghcr.io/some-org/team", StringComparison.Ordinal),
        Head.Replace("localhost:5000", "myregistry:5000", StringComparison.Ordinal),
        Head.Replace("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: docker/Dockerfile.model", StringComparison.Ordinal),
        Head.Replace("version: v1", "version: 30", StringComparison.Ordinal),
        Head.Replace("version: v1", "version: V-2025-1-", StringComparison.Ordinal),
        Head.Replace("gen:", "grid--sim-2:", StringComparison.Ordinal),
        Head.Replace("gen:", "g1:", StringComparison.Ordinal),
        Head + "    PATH_TO_DATA: /data\n    HOME_DIR: /home\n    MG_X: 1\n    BUILDKIT_HOST: tcp://buildkitd:1234\n",
        Head + "    EXTRA: 5\n    FLAG: false\n",
        Head + "  parameters:\n  build:\n",
        Head + "  build:\n    builder: buildah\n    base_image: oci:layout:v1\n    cache: [python:3.12]\n    custom:\n      nested: [1, {a: b}]\n",
        Head + "  generation_parameters:\n    G:\n      info: g\n      default: 1\n  parameters:\n    R:\n      info: r\n      example: 2\n  optional:\n    O:\n      info: o\n      default: 3\n",
    };

    [Theory]
    [MemberData(nameof(ValidVariants))]
    public void Schema_and_validator_both_accept(string yaml)
    {
        Assert.True(ValidatorAccepts(yaml), string.Join('\n', Errors(yaml)));
        Assert.True(SchemaAccepts(yaml, out var details), details);
    }

    /// <summary>Table cases a schema can express (not: uniqueness across sections, YAML syntax, aliases, dotted-path escapes).</summary>
    private static readonly HashSet<string> SchemaExpressible =
    [
        "upper-case name", "dotted name", "name with a bad character", "name starting with a dash", "second top-level key",
        "flat manifest without a name", "manifest is a list", "name holds nothing", "version with a dot", "version empty",
        "version is a map", "version with a space", "version missing", "registry with scheme", "registry with trailing slash",
        "registry port out of range", "registry path upper-case", "registry single label", "registry bad IPv4",
        "registry with whitespace", "registry with a tag", "dockerfile absolute", "dockerfile escapes", "dockerfile with a comma", "dockerfile empty",
        "dockerfile is a directory", "mandatory config key missing", "mandatory config key misspelled", "config key not an env name",
        "config key reserved", "config value is a list", "config value is a map", "config is a single value", "config missing",
        "parameter name not an env name", "parameter name reserved", "parameter without info", "parameter without default",
        "default is a map", "default is a list", "misspelled default", "example in a seed parameter", "parameter is a single value",
        "misspelled parameters", "unknown top-level section", "optional in the seed schema", "cache is a single value",
        "cache entry is a map", "unknown builder", "build key with a dot", "runtime parameter with default",
        "runtime parameter without example", "generation parameter without default", "optional parameter with example",
        "misspelled generation_parameters", "merge key", "empty map",
        "name ending with a dash", "name with an underscore", "name with a double underscore", "single-character name",
        "version of one character", "version with an underscore", "version starting with a dash", "version too long",
        "config key PATH", "config key with the script's prefix", "parameter HOME", "parameter a bash variable",
        "runtime parameter IFS", "base image layout with an empty tag",
    ];

    public static TheoryData<string, string> InvalidVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in InvalidManifestTableTests.Cases)
        {
            var name = (string)row[0];
            if (SchemaExpressible.Contains(name)) data.Add(name, (string)row[1]);
        }
        return data;
    }

    [Fact]
    public void Schema_reserves_exactly_the_names_the_validator_reserves()
    {
        using var schemaJson = JsonDocument.Parse(File.ReadAllText(TestFiles.PathOf("generator-manifest.schema.json")));
        var reserved = schemaJson.RootElement.GetProperty("$defs").GetProperty("environmentName").GetProperty("not").GetProperty("anyOf");
        Assert.Equal(ReservedNames.All, reserved[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal($"^(?:{ReservedNames.ScriptPrefix}|{ReservedNames.BashPrefix})", reserved[1].GetProperty("pattern").GetString());
    }

    [Fact]
    public void Most_table_cases_are_checked_against_the_schema()
    {
        Assert.True(InvalidVariants().Count >= 45);
        Assert.All(SchemaExpressible, name => Assert.Contains(InvalidManifestTableTests.Cases, row => (string)row[0] == name));
    }

    [Theory]
    [MemberData(nameof(InvalidVariants))]
    public void Schema_and_validator_both_reject(string name, string yaml)
    {
        Assert.False(ValidatorAccepts(yaml), name);
        Assert.False(SchemaAccepts(yaml, out _), $"the schema accepts the invalid manifest '{name}'");
    }

    private static IEnumerable<ManifestError> Errors(string yaml)
    {
        ManifestLoader.TryParse(Encoding.UTF8.GetBytes(yaml), "m.yml", out _, out var errors);
        return errors;
    }

    // --- YAML 1.2 (core schema) to JSON, as yaml-language-server reads a manifest. ---

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    internal static string YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (stream.Documents.Count == 0) writer.WriteNullValue();
            else Write(writer, stream.Documents[0].RootNode);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode k ? k.Value ?? "" : key.ToString());
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq.Children) Write(writer, item);
                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            writer.WriteStringValue(text);
            return;
        }
        if (text is "" or "~" or "null" or "Null" or "NULL") writer.WriteNullValue();
        else if (text is "true" or "True" or "TRUE") writer.WriteBooleanValue(true);
        else if (text is "false" or "False" or "FALSE") writer.WriteBooleanValue(false);
        else if (IntPattern().IsMatch(text) && decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) writer.WriteNumberValue(i);
        else if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)) writer.WriteNumberValue(f);
        else writer.WriteStringValue(text);
    }
}
