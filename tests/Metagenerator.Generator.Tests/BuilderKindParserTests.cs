namespace Metagenerator.Generator.Tests;

public class BuilderKindParserTests
{
    [Theory]
    [InlineData("kaniko", BuilderKind.Kaniko)]
    [InlineData("Buildah", BuilderKind.Buildah)]
    [InlineData("BUILDKIT", BuilderKind.BuildKit)]
    [InlineData(" docker ", BuilderKind.Docker)]
    public void Parses_builder_names(string text, BuilderKind expected) => Assert.Equal(expected, BuilderKindParser.Parse(text));

    [Theory]
    [InlineData("podman")]
    [InlineData("")]
    [InlineData("kaniko2")]
    public void Unknown_builders_list_the_allowed_values(string text)
    {
        var e = Assert.Throws<InvalidInputException>(() => BuilderKindParser.Parse(text));
        Assert.Equal($"unknown builder '{text}': allowed values are kaniko, buildah, buildkit, docker", e.Message);
    }

    [Theory]
    [InlineData(null, null, BuilderKind.Kaniko)]
    [InlineData(null, "buildah", BuilderKind.Buildah)]
    [InlineData("docker", "buildah", BuilderKind.Docker)]
    [InlineData("", "buildkit", BuilderKind.BuildKit)]
    public void Cli_choice_wins_over_the_manifest_which_wins_over_kaniko(string? cli, string? manifest, BuilderKind expected) =>
        Assert.Equal(expected, BuilderKindParser.Resolve(cli, TestManifests.Seed() with { Builder = manifest }));

    [Fact]
    public void A_bad_manifest_builder_names_the_file_and_key()
    {
        var e = Assert.Throws<InvalidInputException>(() => BuilderKindParser.Resolve(null, TestManifests.Seed() with { Builder = "podman" }));
        Assert.Equal("seed/GENERATOR-MANIFEST.yml: build.builder: unknown builder 'podman': allowed values are kaniko, buildah, buildkit, docker", e.Message);
    }

    [Fact]
    public void Every_builder_has_a_name_that_parses_back_and_a_pinned_base_image()
    {
        foreach (var kind in Enum.GetValues<BuilderKind>())
        {
            Assert.Equal(kind, BuilderKindParser.Parse(BuilderKindParser.Name(kind)));
            var image = BuilderDefaults.BaseImage(kind);
            Assert.Matches(@":v?\d+\.\d+", image); // a version tag, never latest
        }
        Assert.Equal("gcr.io/kaniko-project/executor:v1.24.0-debug", BuilderDefaults.BaseImage(BuilderKind.Kaniko));
    }
}
