using Metagenerator.Entrypoint.Script;
using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Entrypoint.Tests;

[Tier(Tier.Unit)]
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

/// <summary>The EXTRA_FLAGS scan's steps, evaluated (the agreement tests show the rendered script does the same).</summary>
[Tier(Tier.Unit)]
public class ExtraFlagScanTests
{
    private static Evaluation.StepEvaluator Scan(string extraFlags)
    {
        var evaluator = new Evaluation.StepEvaluator(new Dictionary<string, string> { ["EXTRA_FLAGS"] = extraFlags }, new TestHost());
        evaluator.Run(Script.ExtraFlagScan.Steps());
        return evaluator;
    }

    [Fact]
    public void Splits_on_spaces_tabs_and_newlines_without_interpreting_quotes()
    {
        var scan = Scan(" --label \"a b\"\t--x='y z'\n\n*  ");
        Assert.Equal(["--label", "\"a", "b\"", "--x='y", "z'", "*"], scan.Words(Mg.Words));
        Assert.Equal(scan.Words(Mg.Words), scan.Words(Mg.Unrecognized));
    }

    [Fact]
    public void Recognises_kaniko_tls_and_cache_flags_in_both_spellings()
    {
        var scan = Scan(
            "--cache=true --cache-dir=/c --cache-repo r --skip-tls-verify-registry a:1 --insecure-registry=b " +
            "--registry-certificate a:1=/etc/ca.crt --skip-tls-verify-pull=true --reproducible");
        Assert.Equal("true", scan.Get(Mg.Cache));
        Assert.Equal("/c", scan.Get(Mg.CacheDir));
        Assert.Equal(["a:1", "b"], scan.Words(Mg.InsecureHosts));
        Assert.Equal(["a:1"], scan.Words(Mg.SkipHosts));
        Assert.Equal(["b"], scan.Words(Mg.HttpHosts));
        Assert.Equal(["a:1=/etc/ca.crt"], scan.Words(Mg.Certs));
        Assert.Equal("/etc/ca.crt", scan.Get(Mg.CertPath));
        Assert.NotEmpty(scan.Get(Mg.InsecurePull));
        Assert.Empty(scan.Get(Mg.InsecureAll));
        Assert.Equal(["--reproducible"], scan.Words(Mg.Unrecognized));
    }

    [Fact]
    public void A_value_flag_at_the_end_is_an_error_naming_it()
    {
        var e = Assert.Throws<GeneratorInputException>(() => Scan("--cache --cache-dir"));
        Assert.Equal("EXTRA_FLAGS", e.Variable);
        Assert.Contains("--cache-dir", e.Message);
    }
}
