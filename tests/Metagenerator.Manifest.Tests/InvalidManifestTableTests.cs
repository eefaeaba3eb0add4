using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Manifest.Tests;

/// <summary>Each invalid manifest must be reported at the right key path and line, with a message that says what is wrong.</summary>
[Tier(Tier.Unit)]
public class InvalidManifestTableTests
{
    // Line numbers of the base manifest are given on the right; the cases edit single lines of it.
    private const string Seed =
        "gen:\n" +                                   // 1
        "  version: v1\n" +                          // 2
        "  config:\n" +                              // 3
        "    GENERATOR_REGISTRY: localhost:5000\n" + // 4
        "    MODEL_REGISTRY: localhost:5000\n" +     // 5
        "    MODEL_DOCKERFILE: Dockerfile\n" +       // 6
        "  parameters:\n" +                          // 7
        "    A:\n" +                                 // 8
        "      info: a\n" +                          // 9
        "      default: 1\n";                        // 10

    private const string Extended =
        "gen:\n" +                                   // 1
        "  version: v1\n" +                          // 2
        "  config:\n" +                              // 3
        "    GENERATOR_REGISTRY: ''\n" +             // 4
        "    MODEL_REGISTRY: ghcr.io/org/team\n" +   // 5
        "    MODEL_DOCKERFILE: docker/Dockerfile\n" + // 6
        "  generation_parameters:\n" +               // 7
        "    B:\n" +                                 // 8
        "      info: b\n" +                          // 9
        "      default: 2\n" +                       // 10
        "  parameters:\n" +                          // 11
        "    R:\n" +                                 // 12
        "      info: r\n" +                          // 13
        "      example: x\n" +                       // 14
        "  optional:\n" +                            // 15
        "    O:\n" +                                 // 16
        "      info: o\n" +                          // 17
        "      default: y\n";                        // 18

    private static string S(string from, string to) => Replace(Seed, from, to);

    private static string E(string from, string to) => Replace(Extended, from, to);

    private static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, int, string> Cases => new()
    {
        // name, yaml, key path, line, message fragment
        { "upper-case name", S("gen:", "Gen:"), "Gen", 1, "registries reject" },
        { "dotted name", S("gen:", "my.gen:"), "my.gen", 1, "split on dots" },
        { "name with a bad character", S("gen:", "gen!:"), "gen!", 1, "is not allowed: use lower-case letters, digits and '-'" },
        { "name starting with a dash", S("gen:", "-gen:"), "-gen", 1, "starts with '-'" },
        { "name ending with a dash", S("gen:", "gen-:"), "gen-", 1, "ends with '-', which registries reject" },
        { "name with an underscore", S("gen:", "grid_sim:"), "grid_sim", 1, "contains '_': the Model API's routes accept only ^[a-zA-Z0-9][a-zA-Z0-9-]+$ and answer HTTP 400 to anything else; use 'grid-sim'" },
        { "name with a double underscore", S("gen:", "grid__sim:"), "grid__sim", 1, "HTTP 400" },
        { "single-character name", S("gen:", "g:"), "g", 1, "is a single character" },
        { "second top-level key", Seed + "other: 1\n", "other", 11, "exactly one" },
        { "flat manifest without a name", "version: v1\nconfig: {}\n", "version", 1, "only top-level key must be the generator name" },
        { "manifest is a list", "- a\n- b\n", "(root)", 1, "must be a map with one key" },
        { "name holds nothing", "gen:\n", "gen", 1, "is empty" },
        { "version with a dot", S("version: v1", "version: v1.0"), "gen.version", 2, "e.g. 'v1-0'" },
        { "version empty", S("version: v1", "version:"), "gen.version", 2, "version is empty" },
        { "version is a map", S("version: v1", "version: {a: 1}"), "gen.version", 2, "single value" },
        { "version with a space", S("version: v1", "version: \"v 1\""), "gen.version", 2, "is not allowed: use 2 to 128 letters, digits and '-'" },
        { "version of one character", S("version: v1", "version: 1"), "gen.version", 2, "is a single character: the Model API's routes accept only" },
        { "version with an underscore", S("version: v1", "version: v_1"), "gen.version", 2, "contains '_': the Model API's routes accept only ^[a-zA-Z0-9][a-zA-Z0-9-]+$ and answer HTTP 400 to anything else, e.g. 'v-1'" },
        { "version starting with a dash", S("version: v1", "version: -v1"), "gen.version", 2, "starts with '-'" },
        { "version too long", S("version: v1", "version: v" + new string('1', 128)), "gen.version", 2, "at most 128" },
        { "version missing", S("  version: v1\n", ""), "gen.version", 1, "missing 'version'" },
        { "registry with scheme", S("GENERATOR_REGISTRY: localhost:5000", "GENERATOR_REGISTRY: https://r.example.com"), "gen.config.GENERATOR_REGISTRY", 4, "remove 'https://'" },
        { "registry with trailing slash", S("MODEL_REGISTRY: localhost:5000", "MODEL_REGISTRY: r.example.com/"), "gen.config.MODEL_REGISTRY", 5, "ends with '/'" },
        { "registry port out of range", S("MODEL_REGISTRY: localhost:5000", "MODEL_REGISTRY: localhost:99999"), "gen.config.MODEL_REGISTRY", 5, "1 to 65535" },
        { "registry path upper-case", S("GENERATOR_REGISTRY: localhost:5000", "GENERATOR_REGISTRY: ghcr.io/MyOrg"), "gen.config.GENERATOR_REGISTRY", 4, "upper-case" },
        { "registry single label", S("GENERATOR_REGISTRY: localhost:5000", "GENERATOR_REGISTRY: myregistry"), "gen.config.GENERATOR_REGISTRY", 4, "Docker Hub namespace" },
        { "registry bad IPv4", S("GENERATOR_REGISTRY: localhost:5000", "GENERATOR_REGISTRY: 999.1.1.1:5000"), "gen.config.GENERATOR_REGISTRY", 4, "IPv4" },
        { "registry bad IPv6", S("GENERATOR_REGISTRY: localhost:5000", "GENERATOR_REGISTRY: '[zz::1]:5000'"), "gen.config.GENERATOR_REGISTRY", 4, "IPv6" },
        { "registry with whitespace", S("MODEL_REGISTRY: localhost:5000", "MODEL_REGISTRY: local host"), "gen.config.MODEL_REGISTRY", 5, "whitespace" },
        { "registry with a tag", S("MODEL_REGISTRY: localhost:5000", "MODEL_REGISTRY: localhost:5000/org:v1"), "gen.config.MODEL_REGISTRY", 5, "no tag or digest" },
        { "dockerfile absolute", S("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: /src/Dockerfile"), "gen.config.MODEL_DOCKERFILE", 6, "absolute" },
        { "dockerfile escapes", S("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: ../Dockerfile"), "gen.config.MODEL_DOCKERFILE", 6, "leaves the model source" },
        { "dockerfile escapes late", S("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: a/../../Dockerfile"), "gen.config.MODEL_DOCKERFILE", 6, "leaves the model source" },
        { "dockerfile with a comma", S("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: docker,v2/Dockerfile"), "gen.config.MODEL_DOCKERFILE", 6, "comma" },
        { "dockerfile empty", S("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: ''"), "gen.config.MODEL_DOCKERFILE", 6, "empty" },
        { "dockerfile is a directory", S("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: docker/"), "gen.config.MODEL_DOCKERFILE", 6, "directory" },
        { "mandatory config key missing", S("    GENERATOR_REGISTRY: localhost:5000\n", ""), "gen.config.GENERATOR_REGISTRY", 3, "missing 'GENERATOR_REGISTRY'" },
        { "mandatory config key misspelled", S("GENERATOR_REGISTRY:", "GENERATOR_REGISTY:"), "gen.config.GENERATOR_REGISTY", 4, "did you mean 'GENERATOR_REGISTRY'" },
        { "config key not an env name", S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    MY-KEY: x\n"), "gen.config.MY-KEY", 7, "environment variable name" },
        { "config key reserved", S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    MODEL_NAME: x\n"), "gen.config.MODEL_NAME", 7, "reserved" },
        { "config value is a list", S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    EXTRA: [a, b]\n"), "gen.config.EXTRA", 7, "not a list" },
        { "config value is a map", S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    EXTRA:\n      k: v\n"), "gen.config.EXTRA", 8, "not a map" },
        { "config is a single value", "gen:\n  version: v1\n  config: registry\n", "gen.config", 3, "must be a map" },
        { "config missing", "gen:\n  version: v1\n", "gen.config", 1, "missing 'config'" },
        { "parameter name not an env name", S("    A:\n", "    1A:\n"), "gen.parameters.1A", 8, "environment variable name" },
        { "parameter name reserved", S("    A:\n", "    CREATED:\n"), "gen.parameters.CREATED", 8, "reserved" },
        { "config key PATH", S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    PATH: /bin\n"), "gen.config.PATH", 7, "'PATH' is reserved: the shell that runs the generator gives it a meaning" },
        { "config key with the script's prefix", S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    mg_dest: x\n"), "gen.config.mg_dest", 7, "starting with 'mg_' are the generator script's own variables" },
        { "parameter HOME", S("    A:\n", "    HOME:\n"), "gen.parameters.HOME", 8, "'HOME' is reserved" },
        { "parameter a bash variable", S("    A:\n", "    BASH_ENV:\n"), "gen.parameters.BASH_ENV", 8, "starting with 'BASH_'" },
        { "runtime parameter IFS", E("    R:\n", "    IFS:\n"), "gen.parameters.IFS", 12, "'IFS' is reserved" },
        { "parameter clashes with config", S("    A:\n", "    MODEL_REGISTRY:\n"), "gen.parameters.MODEL_REGISTRY", 8, "already defined at gen.config.MODEL_REGISTRY (line 5)" },
        { "parameter without info", S("      info: a\n", ""), "gen.parameters.A.info", 8, "missing 'info'" },
        { "parameter without default", S("      default: 1\n", ""), "gen.parameters.A.default", 8, "missing 'default'" },
        { "default is a map", S("default: 1", "default: {x: 1}"), "gen.parameters.A.default", 10, "not a map" },
        { "default is a list", S("default: 1", "default: [1, 2]"), "gen.parameters.A.default", 10, "not a list" },
        { "misspelled default", S("default: 1", "defualt: 1"), "gen.parameters.A.defualt", 10, "did you mean 'default'" },
        { "example in a seed parameter", S("default: 1", "example: 1"), "gen.parameters.A.example", 10, "extended schema" },
        { "parameter is a single value", S("    A:\n      info: a\n      default: 1\n", "    A: 1\n"), "gen.parameters.A", 8, "must be a map with 'info' and 'default'" },
        { "misspelled parameters", S("  parameters:", "  paramters:"), "gen.paramters", 7, "did you mean 'parameters'" },
        { "unknown top-level section", S("  parameters:", "  stuff:"), "gen.stuff", 7, "unknown key 'stuff' (allowed here" },
        { "optional in the seed schema", Seed + "  optional:\n    O:\n      info: o\n      default: 1\n", "gen.optional", 11, "extended schema" },
        { "duplicate key", S("  version: v1\n", "  version: v1\n  version: v2\n"), "gen.version", 3, "duplicate key 'version' (first at line 2)" },
        { "duplicate parameter field", S("      info: a\n", "      info: a\n      info: b\n"), "gen.parameters.A.info", 10, "duplicate key" },
        { "cache is a single value", Seed + "  build:\n    cache: python:3.12\n", "gen.build.cache", 12, "must be a list" },
        { "cache entry invalid", Seed + "  build:\n    cache:\n      - Python:3\n", "gen.build.cache[0]", 13, "not a valid image reference" },
        { "cache entry is a map", Seed + "  build:\n    cache:\n      - {a: 1}\n", "gen.build.cache[0]", 13, "not a map" },
        { "unknown builder", Seed + "  build:\n    builder: kanik\n", "gen.build.builder", 12, "did you mean 'kaniko'" },
        { "base image invalid", Seed + "  build:\n    base_image: 'a b'\n", "gen.build.base_image", 12, "not a valid image reference" },
        { "base image layout with an empty tag", Seed + "  build:\n    base_image: 'oci:layout:'\n", "gen.build.base_image", 12, "empty tag after the directory" },
        { "build key with a dot", Seed + "  build:\n    my.key: 1\n", "gen.build.my.key", 12, "split on dots" },
        { "NUL in a default", S("default: 1", "default: \"a\\0b\""), "gen.parameters.A.default", 10, "NUL" },
        { "merge key", S("    A:\n      info: a\n      default: 1\n", "    A:\n      info: a\n      default: 1\n  <<: {x: 1}\n"), "gen.<<", 11, "merge keys" },
        { "non-text key", S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    ? [a, b]\n    : 1\n"), "gen.config.?", 7, "keys must be plain text" },
        { "runtime parameter with default", E("      example: x\n", "      default: x\n"), "gen.parameters.R.default", 14, "take 'example'" },
        { "runtime parameter without example", E("      example: x\n", ""), "gen.parameters.R.example", 12, "missing 'example'" },
        { "generation parameter without default", E("      default: 2\n", ""), "gen.generation_parameters.B.default", 8, "missing 'default'" },
        { "optional parameter with example", E("      default: y\n", "      example: y\n"), "gen.optional.O.example", 18, "take 'default'" },
        { "optional clashes with generation parameter", E("    O:\n", "    B:\n"), "gen.optional.B", 16, "already defined at gen.generation_parameters.B (line 8)" },
        { "runtime clashes with optional later", E("    O:\n", "    R:\n"), "gen.optional.R", 16, "already defined at gen.parameters.R (line 12)" },
        { "misspelled generation_parameters", E("  generation_parameters:", "  generaton_parameters:"), "gen.generaton_parameters", 7, "did you mean 'generation_parameters'" },
        { "tab indentation", S("      info: a\n", "\t\tinfo: a\n"), "gen.parameters.A", 9, "tab" },
        { "unclosed flow list", S("default: 1", "default: [1, 2"), "gen.parameters.A.default", 11, "opened at line 10, column 16" },
        { "unclosed quote", S("info: a", "info: \"a"), "gen.parameters.A.info", 9, "quoted scalar" },
        { "bad indentation", S("    MODEL_REGISTRY:", "   MODEL_REGISTRY:"), "gen", 5, "check this line's indentation" },
        { "alias to unknown anchor", S("default: 1", "default: *nowhere"), "gen.parameters.A.default", 10, "names no anchor" },
        { "second document", Seed + "---\nother: 1\n", "(root)", 11, "second YAML document" },
        { "comments only", "# nothing here\n", "(root)", 1, "empty" },
        { "empty map", "{}\n", "(root)", 1, "the manifest is an empty map" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invalid_manifest_is_reported_at_key_path_and_line(string name, string yaml, string keyPath, int line, string fragment)
    {
        var errors = TestFiles.Errors(yaml, "GENERATOR-MANIFEST.yml");
        var match = errors.FirstOrDefault(e => e.KeyPath == keyPath);
        Assert.True(match is not null, $"{name}: no error at '{keyPath}'; got:\n{string.Join('\n', errors)}");
        Assert.Equal(line, match.Line);
        Assert.Contains(fragment, match.Message, StringComparison.Ordinal);
        Assert.Equal("GENERATOR-MANIFEST.yml", match.File);
        Assert.True(match.Column >= 1);
        Assert.DoesNotContain('\n', match.Message);
    }

    [Fact]
    public void A_credential_in_a_registry_is_never_echoed()
    {
        var errors = TestFiles.Errors(S("MODEL_REGISTRY: localhost:5000", "MODEL_REGISTRY: alice:s3cret@r.example.com"));
        var e = Assert.Single(errors);
        Assert.Equal("m.yml:5:21: error: gen.config.MODEL_REGISTRY: must not contain '@' (credentials belong in config.json, never in the manifest); write host[:port][/path], e.g. 'localhost:5000', 'registry.example.com' or 'ghcr.io/my-org'", e.ToString());
        Assert.DoesNotContain("s3cret", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_run_in_file_order()
    {
        var yaml = Seed
            .Replace("gen:", "Gen:", StringComparison.Ordinal)
            .Replace("version: v1", "version: v1.0", StringComparison.Ordinal)
            .Replace("MODEL_DOCKERFILE: Dockerfile", "MODEL_DOCKERFILE: /Dockerfile", StringComparison.Ordinal)
            .Replace("    A:", "    MODEL_TAG:", StringComparison.Ordinal)
            .Replace("default: 1", "defualt: 1", StringComparison.Ordinal);
        var errors = TestFiles.Errors(yaml);
        Assert.Equal(
            [(1, "Gen"), (2, "Gen.version"), (6, "Gen.config.MODEL_DOCKERFILE"), (8, "Gen.parameters.MODEL_TAG"), (8, "Gen.parameters.MODEL_TAG.default"), (10, "Gen.parameters.MODEL_TAG.defualt")],
            errors.Select(e => (e.Line, e.KeyPath)));
    }

    [Fact]
    public void Only_the_misspelling_is_reported_when_a_mandatory_config_key_is_near_missed()
    {
        var errors = TestFiles.Errors(S("MODEL_REGISTRY:", "model_registry:"));
        var e = Assert.Single(errors);
        Assert.Equal("gen.config.model_registry", e.KeyPath);
        Assert.Contains("did you mean 'MODEL_REGISTRY'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_config_keys_are_allowed_when_the_mandatory_ones_are_present()
    {
        var m = TestFiles.Parse(S("    MODEL_DOCKERFILE: Dockerfile\n", "    MODEL_DOCKERFILE: Dockerfile\n    GENERATOR_REGISTY: x\n    PIP_INDEX: https://pypi.example.com/simple\n"));
        Assert.Equal(["GENERATOR_REGISTRY", "MODEL_REGISTRY", "MODEL_DOCKERFILE", "GENERATOR_REGISTY", "PIP_INDEX"], m.Config.Select(c => c.Key));
    }
}
