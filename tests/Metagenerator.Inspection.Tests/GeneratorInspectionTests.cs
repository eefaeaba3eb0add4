using System.Text;
using Metagenerator.Cli.Output;
using Metagenerator.Inspection;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Inspection.Tests;

/// <summary>Generator and model images built by <c>build</c> and by a generator run, read back as the Model API reads them.</summary>
[Tier(Tier.Registry)]
public sealed class GeneratorInspectionTests(GeneratorImagesFixture images) : IClassFixture<GeneratorImagesFixture>
{
    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    private async Task<GeneratorInspection> InspectAsync(string reference)
    {
        using var client = new RegistryClient(images.Options);
        return await new GeneratorInspector(client).InspectAsync(reference);
    }

    [NeedsToolsFact("skopeo")]
    public async Task A_seed_generator_is_described_by_its_labels_as_its_manifest_says()
    {
        var inspection = await InspectAsync(images.SeedRef);

        var g = inspection.Generator;
        Assert.Equal(("example-generator", "v3", ManifestSchema.Seed), (g.Name, g.Version, g.Schema));
        Assert.Equal(images.Seed.Config.Select(c => Pair(c.Key, c.Value.Text)), g.Config);
        Assert.Equal(images.Seed.BuildParameters.Select(p => new GeneratorParameter(p.Name, p.Info, p.Value.Text, null)), g.BuildParameters);
        Assert.Empty(g.RuntimeParameters);
        Assert.Empty(g.OptionalParameters);
        Assert.Equal([Pair("cache", """["python:3.10","python:3.10-slim"]""")], g.Build);
        Assert.Empty(g.Other);
        Assert.Null(inspection.Warning);

        Assert.Equal(images.SeedBuild.Digest.ToString(), inspection.Digest);
        Assert.Equal(MediaTypes.OciManifest, inspection.MediaType);
        Assert.Equal("1970-01-01T00:00:01Z", inspection.Created);
        // The busybox base has one layer; build's history entries mark the generator's layers above it.
        Assert.Equal(1 + images.SeedBuild.NewLayers.Count, inspection.LayerCount);
        Assert.Equal(("history", 1), (inspection.Base.Source, inspection.Base.LayerCount));
        Assert.NotNull(inspection.Base.TopLayer);
        Assert.Empty(GeneratorInspector.Compare(inspection, images.Seed));
    }

    [NeedsToolsFact("skopeo")]
    public async Task The_size_is_manifest_config_and_layers_as_stored()
    {
        using var client = new RegistryClient(images.Options);
        var image = await new RegistryImageSource(client).ReadImageAsync(ImageReference.Parse(images.SeedRef), Platform.LinuxAmd64);
        var inspection = await new GeneratorInspector(client).InspectAsync(images.SeedRef);

        Assert.Equal(image.ManifestBytes.Length + image.ConfigBytes.Length + image.Manifest.Layers.Sum(l => l.Size), inspection.Size);
    }

    [NeedsToolsFact("skopeo")]
    public async Task An_extended_generator_has_build_runtime_and_optional_parameters()
    {
        var g = (await InspectAsync(images.ExtendedRef)).Generator;

        Assert.Equal(ManifestSchema.Extended, g.Schema);
        Assert.Equal(images.Extended.BuildParameters.Select(p => new GeneratorParameter(p.Name, p.Info, p.Value.Text, null)), g.BuildParameters);
        Assert.Equal([new GeneratorParameter("KNOWLEDGE_GRAPH_ENABLED", "whether to use knowledge graph for config generation", null, "false")], g.RuntimeParameters);
        Assert.Equal([new GeneratorParameter("KNOWLEDGE_GRAPH_ENDPOINT", "endpoint of the knowledge graph database", "http://localhost:7200/repositories/REFORMERS", null)], g.OptionalParameters);
        Assert.Equal([Pair("cache", """["python:3.12-slim"]""")], g.Build);
    }

    [NeedsToolsFact("skopeo")]
    public async Task Comparing_with_a_changed_manifest_lists_every_difference_with_both_values()
    {
        var inspection = await InspectAsync(images.SeedRef);
        var text = Encoding.UTF8.GetString(images.Seed.SourceBytes.Span)
            .Replace("default: /grid_data/grid.json", "default: /grid_data/new.json")
            .Replace("    OUTPUT_STREAM_BASE:\n      info: declare name of output stream\n      default: reformers.grid_sim.results\n", "")
            .Replace("  build:\n", "    SEED:\n      info: random seed\n      default: 42\n  build:\n");
        var local = ManifestLoader.Parse(Encoding.UTF8.GetBytes(text), "local.yml");

        var differences = GeneratorInspector.Compare(inspection, local);

        Assert.Equal(
        [
            new LabelDifference("example-generator.v3.parameters.GRID_DATA.default", "/grid_data/grid.json", "/grid_data/new.json"),
            new LabelDifference("example-generator.v3.parameters.SEED.info", null, "random seed"),
            new LabelDifference("example-generator.v3.parameters.SEED.default", null, "42"),
            new LabelDifference("example-generator.v3.parameters.OUTPUT_STREAM_BASE.info", "declare name of output stream", null),
            new LabelDifference("example-generator.v3.parameters.OUTPUT_STREAM_BASE.default", "reformers.grid_sim.results", null),
        ], differences);
    }

    [NeedsToolsFact("skopeo")]
    public async Task The_models_of_a_seed_generator_are_found_through_the_catalog_with_their_labels()
    {
        using var client = new RegistryClient(images.Options);
        var inspector = new GeneratorInspector(client);
        var generator = (await inspector.InspectAsync(images.SeedRef)).Generator;

        // Page size 2 against 10 repositories: the catalog is read in five pages.
        var models = await inspector.ListModelsAsync(generator, pageSize: 2);

        Assert.Equal([("grid-a", "v1"), ("multi", "v1"), ("plain", "v1")], models.Select(m => (m.Name, m.Tag)));
        var grid = models[0];
        Assert.Equal($"{images.Registry.Host}/example-generator/v3/grid-a:v1", grid.Reference);
        Assert.True(grid.HasModelLabels);
        Assert.False(grid.IsIndex);
        Assert.Equal(GeneratorImagesFixture.SeedCreated, grid.Created);
        Assert.Equal(
        [
            Pair("CONFIG_FILE", "/config/config.yml"), Pair("GRID_DATA", "/grid_data/other.json"),
            Pair("INPUT_STREAM", "reformers.metering_data.DUMMY1"), Pair("OUTPUT_STREAM_BASE", "reformers.grid_sim.results"),
        ], grid.GenerationParameters.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Empty(grid.RuntimeParameters);
        Assert.Empty(grid.OptionalParameters);
        Assert.Null(grid.Info);
        Assert.False(models[2].HasModelLabels);

        // The index is listed and flagged, described by its linux/amd64 image; the text says the Model API cannot read it.
        var multi = models[1];
        Assert.True(multi.IsIndex);
        Assert.False(multi.HasModelLabels);
        Assert.Matches("^sha256:[0-9a-f]{64}$", multi.Digest);
        var text = InspectionText.Render(new InspectionReport(await inspector.InspectAsync(images.SeedRef), models, "example-generator/v3/"));
        Assert.Contains($"v1  {images.Registry.Host}/example-generator/v3/multi:v1@{multi.Digest}\n      warning: the tag holds an image index, which the Model API cannot read (shown: its linux/amd64 image)\n", text);
    }

    [NeedsToolsFact("skopeo")]
    public async Task The_models_of_an_extended_generator_carry_runtime_and_optional_parameters_and_info()
    {
        using var client = new RegistryClient(images.Options);
        var inspector = new GeneratorInspector(client);
        var models = await inspector.ListModelsAsync((await inspector.InspectAsync(images.ExtendedRef)).Generator);

        var wind = Assert.Single(models);
        Assert.Equal(("wind-a", "v2", GeneratorImagesFixture.ExtendedCreated), (wind.Name, wind.Tag, wind.Created));
        Assert.Equal("Borssele park, 2026 scenario", wind.Info);
        Assert.Contains(Pair("PARK_NAME", "Borssele"), wind.GenerationParameters);
        Assert.DoesNotContain(wind.GenerationParameters, p => p.Key is "CREATED" or "info" || p.Key.StartsWith("parameters", StringComparison.Ordinal));
        Assert.Equal([Pair("KNOWLEDGE_GRAPH_ENABLED", "false")], wind.RuntimeParameters);
        Assert.Equal([Pair("KNOWLEDGE_GRAPH_ENDPOINT", "http://localhost:7200/repositories/REFORMERS")], wind.OptionalParameters);
    }

    [NeedsToolsFact("skopeo")]
    public async Task An_image_without_generator_labels_is_not_a_generator_image()
    {
        var e = await Assert.ThrowsAsync<NotAGeneratorImageException>(() => InspectAsync(images.BaseRef));

        Assert.Equal(ErrorCategory.InvalidInput, e.Category);
        Assert.Contains($"{images.BaseRef} is not a generator image: it has no labels under busybox.1.", e.Message);
    }

    [NeedsToolsFact("skopeo")]
    public async Task A_missing_image_is_unavailable()
    {
        var e = await Assert.ThrowsAsync<ImageUnavailableException>(() => InspectAsync($"{images.Registry.Host}/example-generator:v9"));

        Assert.Equal(ErrorCategory.Registry, e.Category);
        var registryError = Assert.IsType<Registry.Errors.RegistryException>(e.InnerException);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, registryError.StatusCode);
        Assert.True(registryError.HasError(Registry.Errors.RegistryErrorCode.ManifestUnknown), e.Message);
        Assert.Contains($"{images.Registry.Host}/example-generator:v9", e.Message);
    }

    [NeedsToolsFact("skopeo")]
    public async Task A_generator_pushed_under_another_name_is_read_with_a_warning_about_the_model_api_lookup()
    {
        var copy = $"{images.Registry.Host}/renamed-generator:v3";
        (await TestSupport.ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
            $"docker://{images.SeedRef}", $"docker://{copy}"])).EnsureSuccess();

        var inspection = await InspectAsync(copy);

        Assert.Equal("example-generator", inspection.Generator.Name);
        Assert.Contains("renamed-generator.v3.", inspection.Warning);
        Assert.Contains("labels missing", inspection.Warning);
    }
}
