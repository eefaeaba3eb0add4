using System.Globalization;
using System.Text.RegularExpressions;
using Metagenerator.Inspection;

namespace Metagenerator.Docker;

/// <summary>Why a task is, or is not, finished.</summary>
public enum ModelTaskState
{
    /// <summary>The model image's CREATED label equals the request's CREATED.</summary>
    Finished,

    /// <summary>The generator container ended with an error: the Model API's task reads <c>failed</c>.</summary>
    Failed,

    /// <summary>The generator was stopped for running past <c>--timeout</c>: the Model API, which sets no limit, would still show it running.</summary>
    TimedOut,

    /// <summary>No model image at MODEL_REGISTRY/&lt;gen&gt;/&lt;ver&gt;/&lt;model&gt;:&lt;tag&gt;.</summary>
    ImageMissing,

    /// <summary>The model image has no model labels or no CREATED label.</summary>
    NoCreatedLabel,

    /// <summary>The CREATED label has no time zone, so the Model API cannot compare it.</summary>
    NoTimeZone,

    /// <summary>The CREATED label is another time: an older build, or the label was not passed through verbatim.</summary>
    OtherCreated,
}

/// <summary>What the Model API's task status would say, and why (docs/contracts.md §7: finished when the model image's CREATED
/// label equals the request's time).</summary>
/// <param name="State">The state.</param>
/// <param name="Message">One sentence for people.</param>
public sealed partial record ModelTaskStatus(ModelTaskState State, string Message)
{
    /// <summary>True when the Model API would report <c>finished</c>.</summary>
    public bool IsFinished => State == ModelTaskState.Finished;

    /// <summary>The word the Model API's task status would show.</summary>
    public string ModelApiStatus => State switch
    {
        ModelTaskState.Finished => "finished",
        ModelTaskState.Failed => "failed",
        ModelTaskState.TimedOut => "running",
        _ => "not finished",
    };

    /// <summary>The status after a run: failed or timed out by the container alone, else by comparing the model image.</summary>
    public static ModelTaskStatus After(GeneratorRunResult run, string requestCreated, string modelImage, ModelDescription? model)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.ExitCode switch
        {
            null => new(ModelTaskState.TimedOut, "the generator ran past --timeout and was stopped and removed; the Model API sets no limit, so its task would still read running"),
            not 0 => new(ModelTaskState.Failed, $"the generator container exited with status {run.ExitCode}, so the Model API's task reads failed"),
            _ => Evaluate(requestCreated, modelImage, model),
        };
    }

    /// <summary>Compares <paramref name="model"/> (null when there is no image) with the request's CREATED.</summary>
    public static ModelTaskStatus Evaluate(string requestCreated, string modelImage, ModelDescription? model)
    {
        ArgumentNullException.ThrowIfNull(requestCreated);
        if (model is null)
            return new(ModelTaskState.ImageMissing, $"no model image at {modelImage}: the generator did not push it there");
        if (!model.HasModelLabels || model.Created is null)
            return new(ModelTaskState.NoCreatedLabel, $"{modelImage} has no CREATED label under its model prefix, so the Model API cannot tell that this request built it");
        if (model.Created == requestCreated)
            return new(ModelTaskState.Finished, $"CREATED {model.Created} equals the request's");
        if (!HasTimeZone(model.Created))
            return new(ModelTaskState.NoTimeZone, $"CREATED label '{model.Created}' has no time zone, so the Model API cannot compare it with the request's {requestCreated}");
        var sameInstant = DateTimeOffset.TryParse(model.Created, CultureInfo.InvariantCulture, DateTimeStyles.None, out var label)
            && DateTimeOffset.TryParse(requestCreated, CultureInfo.InvariantCulture, DateTimeStyles.None, out var request) && label == request;
        return new(ModelTaskState.OtherCreated, sameInstant
            ? $"CREATED label '{model.Created}' is the request's time written differently ('{requestCreated}'); the label must be passed through byte for byte"
            : $"CREATED label '{model.Created}' is not the request's '{requestCreated}': the image is from another build");
    }

    private static bool HasTimeZone(string text) => TimeZoneSuffix().IsMatch(text);

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex TimeZoneSuffix();
}
