using Metagenerator.Manifest;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Manifest.Tests;

[Tier(Tier.Unit)]
public class FixtureTests
{
    [Fact]
    public void Seed_example_validates_into_the_seed_model()
    {
        var m = ManifestLoader.Load(TestFiles.SeedPath);
        Assert.Equal("example-generator", m.Name);
        Assert.Equal("v3", m.Version);
        Assert.Equal(ManifestSchema.Seed, m.Schema);
        Assert.Equal("reformers-dev.ait.ac.at:8082", m.GeneratorRegistry);
        Assert.Equal("reformers-dev.ait.ac.at:8083", m.ModelRegistry);
        Assert.Equal("Dockerfile_model", m.ModelDockerfile);
        Assert.Equal(["CONFIG_FILE", "GRID_DATA", "INPUT_STREAM", "OUTPUT_STREAM_BASE"], m.BuildParameters.Select(p => p.Name));
        Assert.Equal("/config/config.yml", m.BuildParameters[0].Value.Text);
        Assert.Equal(11, m.BuildParameters[0].Value.Line);
        Assert.Equal("path to config file with default values", m.BuildParameters[0].Info);
        Assert.Empty(m.RuntimeParameters);
        Assert.Empty(m.OptionalParameters);
        Assert.Equal(["python:3.10", "python:3.10-slim"], m.BuildCache);
        Assert.Null(m.Builder);
        Assert.Null(m.BaseImage);
        Assert.Equal(File.ReadAllBytes(TestFiles.SeedPath), m.SourceBytes.ToArray());
        Assert.Equal(TestFiles.SeedPath, m.Path);
    }

    [Fact]
    public void Seed_example_labels_are_exactly_those_of_contracts_section_2()
    {
        var m = ManifestLoader.Load(TestFiles.SeedPath);
        string[] expected =
        [
            "example-generator.v3.config.GENERATOR_REGISTRY=reformers-dev.ait.ac.at:8082",
            "example-generator.v3.config.MODEL_REGISTRY=reformers-dev.ait.ac.at:8083",
            "example-generator.v3.config.MODEL_DOCKERFILE=Dockerfile_model",
            "example-generator.v3.parameters.CONFIG_FILE.info=path to config file with default values",
            "example-generator.v3.parameters.CONFIG_FILE.default=/config/config.yml",
            "example-generator.v3.parameters.GRID_DATA.info=path to grid data",
            "example-generator.v3.parameters.GRID_DATA.default=/grid_data/grid.json",
            "example-generator.v3.parameters.INPUT_STREAM.info=declare name of input stream",
            "example-generator.v3.parameters.INPUT_STREAM.default=reformers.metering_data.DUMMY1",
            "example-generator.v3.parameters.OUTPUT_STREAM_BASE.info=declare name of output stream",
            "example-generator.v3.parameters.OUTPUT_STREAM_BASE.default=reformers.grid_sim.results",
            "example-generator.v3.build.cache=[\"python:3.10\",\"python:3.10-slim\"]",
            "org.opencontainers.image.title=example-generator",
            "org.opencontainers.image.version=v3",
        ];
        Assert.Equal(expected, m.Labels.Select(l => $"{l.Key}={l.Value}"));
    }

    [Fact]
    public void Extended_example_validates_into_the_extended_model()
    {
        var m = ManifestLoader.Load(TestFiles.ExtendedPath);
        Assert.Equal("reformers-dt-wind-gen-fc", m.Name);
        Assert.Equal("v1", m.Version);
        Assert.Equal(ManifestSchema.Extended, m.Schema);
        Assert.Equal("Dockerfile", m.ModelDockerfile);
        Assert.Equal(["DEFAULT_CONFIG_PARK", "DEFAULT_CONFIG_SIMULATION", "PARK_NAME", "SCENARIO", "REDIS_PASSWORD"], m.BuildParameters.Select(p => p.Name));
        var runtime = Assert.Single(m.RuntimeParameters);
        Assert.Equal("KNOWLEDGE_GRAPH_ENABLED", runtime.Name);
        Assert.Equal("false", runtime.Value.Text);
        var optional = Assert.Single(m.OptionalParameters);
        Assert.Equal("KNOWLEDGE_GRAPH_ENDPOINT", optional.Name);
        Assert.Equal("http://localhost:7200/repositories/REFORMERS", optional.Value.Text);
        Assert.Equal(["python:3.12-slim"], m.BuildCache);
    }

    [Fact]
    public void Extended_example_labels_flatten_every_section_in_manifest_order()
    {
        var m = ManifestLoader.Load(TestFiles.ExtendedPath);
        const string p = "reformers-dt-wind-gen-fc.v1.";
        string[] expected =
        [
            p + "config.GENERATOR_REGISTRY=reformers-dev.ait.ac.at:8082",
            p + "config.MODEL_REGISTRY=reformers-dev.ait.ac.at:8083",
            p + "config.MODEL_DOCKERFILE=Dockerfile",
            p + "generation_parameters.DEFAULT_CONFIG_PARK.info=path to eolica park config",
            p + "generation_parameters.DEFAULT_CONFIG_PARK.default=default-configs/park_alkmaar.yaml",
            p + "generation_parameters.DEFAULT_CONFIG_SIMULATION.info=path to eolica simulation config",
            p + "generation_parameters.DEFAULT_CONFIG_SIMULATION.default=default-configs/simulation_alkmaar.yaml",
            p + "generation_parameters.PARK_NAME.info=name of the wind park",
            p + "generation_parameters.PARK_NAME.default=WindparkAlkmaar",
            p + "generation_parameters.SCENARIO.info=scenario name",
            p + "generation_parameters.SCENARIO.default=BaselineAlkmaar",
            p + "generation_parameters.REDIS_PASSWORD.info=password for redis connection",
            p + "generation_parameters.REDIS_PASSWORD.default=r3f0rm3r5-w!nd-f0r3ca5t",
            p + "parameters.KNOWLEDGE_GRAPH_ENABLED.info=whether to use knowledge graph for config generation",
            p + "parameters.KNOWLEDGE_GRAPH_ENABLED.example=false",
            p + "optional.KNOWLEDGE_GRAPH_ENDPOINT.info=endpoint of the knowledge graph database",
            p + "optional.KNOWLEDGE_GRAPH_ENDPOINT.default=http://localhost:7200/repositories/REFORMERS",
            p + "build.cache=[\"python:3.12-slim\"]",
            "org.opencontainers.image.title=reformers-dt-wind-gen-fc",
            "org.opencontainers.image.version=v1",
        ];
        Assert.Equal(expected, m.Labels.Select(l => $"{l.Key}={l.Value}"));
    }

    [Fact]
    public void Init_template_validates_and_its_dockerfile_uses_every_parameter()
    {
        var m = TestFiles.Parse(ManifestTemplates.InitManifest, "GENERATOR-MANIFEST.yml");
        Assert.Equal("example-generator", m.Name);
        Assert.Equal("v1", m.Version);
        Assert.Equal("localhost:5000", m.GeneratorRegistry);
        Assert.Equal("localhost:5000", m.ModelRegistry);
        Assert.Equal("Dockerfile", m.ModelDockerfile);
        Assert.True(m.BuildParameters.Count >= 2);
        Assert.NotEmpty(m.BuildCache);
        Assert.StartsWith("FROM busybox", ManifestTemplates.InitDockerfile.Split('\n').First(l => l.StartsWith("FROM", StringComparison.Ordinal)));
        foreach (var p in m.BuildParameters)
            Assert.Contains($"ARG {p.Name}", ManifestTemplates.InitDockerfile, StringComparison.Ordinal);
    }
}
