using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Docker.Tests;

/// <summary>The create-model request as the Model API handles it (docs/contracts.md §7): CREATED, EXTRA_FLAGS, environment, refusals.</summary>
[Tier(Tier.Unit)]
public class ModelApiRequestTests
{
    private static ModelApiRequest Request(string modelName = "grid-a", string modelTag = "v1", bool skipTls = false, params (string, string)[] parameters) => new()
    {
        Generator = Generators.Seed(),
        ModelName = modelName,
        ModelTag = modelTag,
        SkipTlsVerify = skipTls,
        Parameters = [.. parameters.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))],
        Created = new DateTimeOffset(2026, 11, 30, 1, 9, 41, TimeSpan.Zero).AddTicks(8035600),
    };

    // Expected values are what CPython 3.12 prints for datetime(..., tzinfo=timezone.utc).isoformat().
    [Theory]
    [InlineData(8035600, "2026-11-30T01:09:41.803560+00:00")]
    [InlineData(0, "2026-11-30T01:09:41+00:00")] // Python leaves zero microseconds out
    [InlineData(50, "2026-11-30T01:09:41.000005+00:00")]
    [InlineData(8035609, "2026-11-30T01:09:41.803560+00:00")] // 100 ns ticks below a microsecond: Python has none
    public void CREATED_is_written_as_Pythons_isoformat(long ticks, string expected)
    {
        var time = new DateTimeOffset(2026, 11, 30, 1, 9, 41, TimeSpan.Zero).AddTicks(ticks);
        Assert.Equal(expected, ModelApiRequest.PythonIsoFormat(time));
    }

    [Fact]
    public void CREATED_of_a_local_time_is_converted_to_UTC()
    {
        var vienna = new DateTimeOffset(2026, 11, 30, 2, 9, 41, TimeSpan.FromHours(1)).AddTicks(8035600);
        Assert.Equal("2026-11-30T01:09:41.803560+00:00", ModelApiRequest.PythonIsoFormat(vienna));
    }

    [Fact]
    public void EXTRA_FLAGS_is_cache_true_preceded_by_skip_tls_verify_when_asked()
    {
        Assert.Equal("--cache=true", Request().ExtraFlags);
        Assert.Equal("--skip-tls-verify --cache=true", Request(skipTls: true).ExtraFlags);
    }

    [Fact]
    public void Environment_is_the_parameters_then_the_Model_APIs_four_variables()
    {
        var env = Request(parameters: [("CONFIG_FILE", "/config/other.yml"), ("MODEL_DOCKERFILE", "Dockerfile_b")]).Environment();

        Assert.Equal(
            ["CONFIG_FILE=/config/other.yml", "MODEL_DOCKERFILE=Dockerfile_b", "MODEL_NAME=grid-a", "MODEL_TAG=v1",
             "CREATED=2026-11-30T01:09:41.803560+00:00", "EXTRA_FLAGS=--cache=true"],
            env.Select(e => $"{e.Key}={e.Value}"));
    }

    [Fact]
    public void Model_image_is_MODEL_REGISTRY_generator_version_model_tag()
    {
        Assert.Equal("registry.example.org:8083/example-generator/v3/grid-a:v1", Request().ModelImage);
    }

    [Fact]
    public void A_request_within_the_routes_and_labels_is_accepted()
    {
        Assert.Empty(Request(parameters: [("CONFIG_FILE", "x"), ("MODEL_REGISTRY", "y")]).Refusals());
    }

    [Theory]
    [InlineData("Grid-a", "v1", "model name 'Grid-a'")]
    [InlineData("grid_a", "v1", "model name 'grid_a'")]
    [InlineData("g", "v1", "model name 'g'")]
    [InlineData("-grid", "v1", "model name '-grid'")]
    [InlineData("grid-a", "v1.2", "model tag 'v1.2'")]
    [InlineData("grid-a", "V1", "model tag 'V1'")]
    public void Model_names_and_tags_outside_the_route_pattern_are_refused(string name, string tag, string expected)
    {
        var refusal = Assert.Single(Request(name, tag).Refusals());
        Assert.StartsWith(expected, refusal);
        Assert.Contains("^[a-z0-9][a-z0-9-]+$", refusal);
    }

    [Fact]
    public void Generator_names_with_an_underscore_are_refused_upper_case_is_not()
    {
        var underscore = Request() with { Generator = Generators.Seed("grid_gen", "v1") };
        var upper = Request() with { Generator = Generators.Seed("GridGen", "V1") };

        Assert.StartsWith("generator name 'grid_gen'", Assert.Single(underscore.Refusals()));
        Assert.Empty(upper.Refusals());
    }

    [Fact]
    public void A_parameter_not_under_config_or_parameters_is_refused_naming_what_is_accepted()
    {
        var refusal = Assert.Single(Request(parameters: [("UNKNOWN", "1")]).Refusals());

        Assert.Contains("parameter 'UNKNOWN' is not under the generator's example-generator.v3.config or example-generator.v3.parameters labels", refusal);
        Assert.Contains("CONFIG_FILE, GENERATOR_REGISTRY, MODEL_DOCKERFILE, MODEL_REGISTRY", refusal);
    }

    [Fact]
    public void Extended_generators_accept_runtime_parameters_and_refuse_generation_parameters()
    {
        var request = Request() with
        {
            Generator = Generators.Extended(),
            Parameters = [new("KNOWLEDGE_GRAPH_ENABLED", "true"), new("GRID_DATA", "/grid_data/other.json"), new("LOG_LEVEL", "DEBUG")],
        };

        var refusals = request.Refusals();

        Assert.Equal(2, refusals.Count);
        Assert.Contains("parameter 'GRID_DATA'", refusals[0]);
        Assert.Contains("generation_parameters entry", refusals[0]);
        Assert.Contains("parameter 'LOG_LEVEL'", refusals[1]);
    }
}
