using Metagenerator.Inspection;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Docker.Tests;

/// <summary>The Model API's task status: finished when the model image's CREATED label equals the request's time.</summary>
[Tier(Tier.Unit)]
public class ModelTaskStatusTests
{
    private const string Created = "2026-11-30T01:09:41.803560+00:00";
    private const string Image = "127.0.0.1:5000/grid-gen/v1/grid-a:v1";

    private static ModelDescription Model(string? created, bool labelled = true) => ModelDescription.FromLabels("grid-gen", "v1", "grid-a", "v1", Image, "sha256:ab",
        labelled
            ? [new("grid-gen.v1.grid-a.v1.GRID_DATA", "/x"), .. created is null ? Array.Empty<KeyValuePair<string, string>>() : [new("grid-gen.v1.grid-a.v1.CREATED", created)]]
            : [new("other", "x")],
        imageCreated: null, isIndex: false);

    [Fact]
    public void Equal_CREATED_is_finished()
    {
        var status = ModelTaskStatus.Evaluate(Created, Image, Model(Created));
        Assert.Equal((ModelTaskState.Finished, "finished"), (status.State, status.ModelApiStatus));
    }

    [Fact]
    public void No_image_is_not_finished()
    {
        var status = ModelTaskStatus.Evaluate(Created, Image, null);
        Assert.Equal(ModelTaskState.ImageMissing, status.State);
        Assert.Contains(Image, status.Message);
    }

    [Fact]
    public void An_image_without_model_labels_or_CREATED_is_not_finished()
    {
        Assert.Equal(ModelTaskState.NoCreatedLabel, ModelTaskStatus.Evaluate(Created, Image, Model(null)).State);
        Assert.Equal(ModelTaskState.NoCreatedLabel, ModelTaskStatus.Evaluate(Created, Image, Model(Created, labelled: false)).State);
    }

    [Fact]
    public void A_CREATED_without_time_zone_cannot_be_compared()
    {
        var status = ModelTaskStatus.Evaluate(Created, Image, Model("2026-11-30T01:09:41.803560"));
        Assert.Equal(ModelTaskState.NoTimeZone, status.State);
        Assert.Equal("not finished", status.ModelApiStatus);
    }

    [Fact]
    public void Another_CREATED_is_another_build()
    {
        var status = ModelTaskStatus.Evaluate(Created, Image, Model("2026-11-29T00:00:00+00:00"));
        Assert.Equal(ModelTaskState.OtherCreated, status.State);
        Assert.Contains("another build", status.Message);
    }

    [Fact]
    public void The_same_instant_written_differently_is_not_finished_and_says_so()
    {
        var status = ModelTaskStatus.Evaluate(Created, Image, Model("2026-11-30T01:09:41.80356Z"));
        Assert.Equal(ModelTaskState.OtherCreated, status.State);
        Assert.Contains("byte for byte", status.Message);
    }

    [Fact]
    public void A_failed_or_timed_out_generator_is_reported_without_looking_at_the_image()
    {
        Assert.Equal((ModelTaskState.Failed, "failed"), (ModelTaskStatus.After(new GeneratorRunResult("c", 1), Created, Image, Model(Created)) is var f ? (f.State, f.ModelApiStatus) : default));
        Assert.Equal(ModelTaskState.TimedOut, ModelTaskStatus.After(new GeneratorRunResult("c", null), Created, Image, null).State);
        Assert.Equal(ModelTaskState.Finished, ModelTaskStatus.After(new GeneratorRunResult("c", 0), Created, Image, Model(Created)).State);
    }
}
