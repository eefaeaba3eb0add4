using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Metagenerator.Docker;
using Metagenerator.Inspection;

namespace Metagenerator.Cli.Output;

/// <summary>What <c>generate</c> found after the run: how the generator ended, the model image, and the Model API's task status.</summary>
public sealed record GenerateReport
{
    /// <summary>The request as sent.</summary>
    public required ModelApiRequest Request { get; init; }

    /// <summary>The generator image that ran.</summary>
    public required string GeneratorImage { get; init; }

    /// <summary>How the container ended.</summary>
    public required GeneratorRunResult Run { get; init; }

    /// <summary>The model image at the Model API's destination, or null when there is none.</summary>
    public ModelDescription? Model { get; init; }

    /// <summary>The Model API's task status.</summary>
    public required ModelTaskStatus Status { get; init; }

    /// <summary>Renders the report for people: the task status first, then the model image as <c>inspect --models</c> shows it.</summary>
    public string RenderText(SecretRedaction redaction)
    {
        ArgumentNullException.ThrowIfNull(redaction);
        var sb = new StringBuilder();
        sb.Append($"generator   {GeneratorImage} ({Ended()})\n");
        sb.Append($"request     MODEL_NAME={Request.ModelName} MODEL_TAG={Request.ModelTag} CREATED={Request.CreatedText}\n");
        sb.Append($"model image {Request.ModelImage}\n");
        sb.Append($"status      {Status.ModelApiStatus}: {Status.Message}\n");
        if (Model is not null) InspectionText.Model(sb, 1, Redacted(Model, redaction));
        return sb.ToString();
    }

    /// <summary>Renders the report as indented JSON for scripts.</summary>
    public string RenderJson(SecretRedaction redaction)
    {
        ArgumentNullException.ThrowIfNull(redaction);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("generatorImage", GeneratorImage);
            w.WriteStartObject("request");
            w.WriteString("modelName", Request.ModelName);
            w.WriteString("modelTag", Request.ModelTag);
            w.WriteString("created", Request.CreatedText);
            w.WriteString("extraFlags", Request.ExtraFlags);
            w.WriteStartObject("parameters");
            foreach (var (name, value) in Request.Parameters) w.WriteString(name, redaction.Value(name, value));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("run");
            w.WriteString("container", Run.ContainerId);
            if (Run.ExitCode is { } code) w.WriteNumber("exitCode", code);
            else w.WriteNull("exitCode");
            w.WriteBoolean("timedOut", Run.TimedOut);
            w.WriteEndObject();
            w.WriteString("modelImage", Request.ModelImage);
            w.WriteStartObject("status");
            w.WriteString("modelApi", Status.ModelApiStatus);
            w.WriteString("state", JsonNamingPolicy.CamelCase.ConvertName(Status.State.ToString()));
            w.WriteBoolean("finished", Status.IsFinished);
            w.WriteString("message", Status.Message);
            w.WriteEndObject();
            w.WritePropertyName("model");
            if (Model is null) w.WriteNullValue();
            else InspectionJson.Model(w, Redacted(Model, redaction));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    private string Ended() => Run.ExitCode switch
    {
        null => "stopped: it ran past --timeout",
        0 => "exited 0",
        { } code => $"exited {code}: the generator failed",
    };

    /// <summary>Model labels carry parameter values: secret ones are shown as <c>***</c>.</summary>
    private static ModelDescription Redacted(ModelDescription model, SecretRedaction redaction)
    {
        IReadOnlyList<KeyValuePair<string, string>> Map(IReadOnlyList<KeyValuePair<string, string>> entries) =>
            [.. entries.Select(e => new KeyValuePair<string, string>(e.Key, redaction.Value(e.Key, e.Value)))];
        return model with
        {
            GenerationParameters = Map(model.GenerationParameters),
            RuntimeParameters = Map(model.RuntimeParameters),
            OptionalParameters = Map(model.OptionalParameters),
            Info = model.Info is null ? null : redaction.Text(model.Info),
        };
    }
}
