using System.Text;
using Metagenerator.Inspection;
using Metagenerator.Manifest;
using Metagenerator.Oci.Text;

namespace Metagenerator.Cli.Output;

/// <summary>The human-readable form of an <see cref="InspectionReport"/>: sections, two-space indents, one value a line.
/// Every line goes through <see cref="TerminalText.Escape"/>: a label key or value can hold no control character that
/// reaches the terminal (line breaks show as <c>\n</c>, ESC as <c>\x1b</c>).</summary>
public static class InspectionText
{
    /// <summary>Renders <paramref name="report"/>.</summary>
    public static string Render(InspectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        var i = report.Inspection;
        var g = i.Generator;
        Line(sb, 0, $"generator   {g.Name}:{g.Version} ({(g.Schema == ManifestSchema.Extended ? "extended" : "seed")} schema; labels under {g.LabelPrefix})");
        Line(sb, 0, $"image       {i.Reference}");
        Line(sb, 0, $"digest      {i.Digest}");
        Line(sb, 0, $"media type  {i.MediaType}");
        Line(sb, 0, $"size        {i.Size} bytes (manifest, config and {i.LayerCount} layer{(i.LayerCount == 1 ? "" : "s")})");
        Line(sb, 0, $"created     {i.Created ?? "(not recorded)"}");
        Line(sb, 0, $"base        {Base(i.Base)}");
        if (i.Warning is not null) Line(sb, 0, $"warning: {i.Warning}");

        Section(sb, "config", g.Config);
        Parameters(sb, g.Schema == ManifestSchema.Extended ? "build parameters (generation_parameters)" : "build parameters", g.BuildParameters, "default");
        if (g.Schema == ManifestSchema.Extended)
        {
            Parameters(sb, "runtime parameters (parameters)", g.RuntimeParameters, "example");
            Parameters(sb, "optional parameters (optional)", g.OptionalParameters, "default");
        }
        Section(sb, "build", g.Build);
        if (g.Other.Count > 0) Section(sb, "other labels", g.Other);
        if (g.Schema == ManifestSchema.Extended)
            Line(sb, 0, "note: Model API servers older than the extended schema read 'parameters' as the build parameters, so they accept only the runtime parameters (and config keys) in create requests");

        if (report.Models is { } models) Models(sb, models, report.ModelRepositoryPrefix);
        if (report.Differences is { } differences) Differences(sb, differences, report.ManifestPath);
        return sb.ToString();
    }

    private static string Base(BaseImageDescription b)
    {
        var text = new StringBuilder($"{b.LayerCount} layer{(b.LayerCount == 1 ? "" : "s")}");
        text.Append(b.Source switch
        {
            "history" => " below the generator layer (from the history build wrote)",
            _ => " below the top layer (no history entry from metagenerator build; assuming the top layer is the generator's)",
        });
        if (b.TopLayer is not null) text.Append($"; top layer {b.TopLayer}");
        if (b.LastStep is not null) text.Append($"; last step: {b.LastStep}");
        return text.ToString();
    }

    private static void Section(StringBuilder sb, string title, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        Line(sb, 0, entries.Count == 0 ? $"{title}: none" : title);
        var width = entries.Count == 0 ? 0 : entries.Max(e => e.Key.Length);
        foreach (var (key, value) in entries) Line(sb, 1, $"{key.PadRight(width)}  {value}");
    }

    private static void Parameters(StringBuilder sb, string title, IReadOnlyList<GeneratorParameter> parameters, string valueName)
    {
        Line(sb, 0, parameters.Count == 0 ? $"{title}: none" : title);
        foreach (var p in parameters)
        {
            Line(sb, 1, p.Name);
            if (p.Info is not null) Line(sb, 2, $"info: {p.Info}");
            var value = valueName == "example" ? p.Example : p.Default;
            if (value is not null) Line(sb, 2, $"{valueName}: {value}");
        }
    }

    private static void Models(StringBuilder sb, IReadOnlyList<ModelDescription> models, string? prefix)
    {
        Line(sb, 0, $"models under {prefix}: {(models.Count == 0 ? "none" : $"{models.Select(m => m.Name).Distinct().Count()} model(s), {models.Count} image(s)")}");
        foreach (var group in models.GroupBy(m => m.Name))
        {
            Line(sb, 1, group.Key);
            foreach (var m in group) Model(sb, 2, m);
        }
    }

    /// <summary>One model image as <c>inspect --models</c> lists it, at <paramref name="indent"/> (also used by <c>generate</c>).</summary>
    public static void Model(StringBuilder sb, int indent, ModelDescription m)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(m);
        Line(sb, indent, $"{m.Tag}  {m.Reference}@{m.Digest}");
        if (m.Problem is not null)
        {
            Line(sb, indent + 1, $"warning: {m.Problem}");
            return;
        }
        if (m.IsIndex) Line(sb, indent + 1, "warning: the tag holds an image index, which the Model API cannot read (shown: its linux/amd64 image)");
        if (!m.HasModelLabels)
        {
            Line(sb, indent + 1, "no model labels (the Model API lists it without parameters)");
            return;
        }
        Line(sb, indent + 1, $"CREATED  {m.Created ?? "(no label)"}");
        if (m.Info is not null) Line(sb, indent + 1, $"info     {m.Info}");
        Section(sb, indent + 1, "build parameters", m.GenerationParameters);
        if (m.RuntimeParameters.Count > 0) Section(sb, indent + 1, "runtime parameters", m.RuntimeParameters);
        if (m.OptionalParameters.Count > 0) Section(sb, indent + 1, "optional parameters", m.OptionalParameters);
    }

    private static void Section(StringBuilder sb, int indent, string title, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        Line(sb, indent, entries.Count == 0 ? $"{title}: none" : title);
        var width = entries.Count == 0 ? 0 : entries.Max(e => e.Key.Length);
        foreach (var (key, value) in entries) Line(sb, indent + 1, $"{key.PadRight(width)}  {value}");
    }

    private static void Differences(StringBuilder sb, IReadOnlyList<LabelDifference> differences, string? manifestPath)
    {
        if (differences.Count == 0)
        {
            Line(sb, 0, $"labels: the registry's match {manifestPath}");
            return;
        }
        Line(sb, 0, $"labels: {differences.Count} differ{(differences.Count == 1 ? "s" : "")} between the registry and {manifestPath}");
        foreach (var d in differences)
        {
            Line(sb, 1, d.Key);
            Line(sb, 2, $"registry: {(d.Registry is null ? "(absent)" : d.Registry)}");
            Line(sb, 2, $"local:    {(d.Local is null ? "(absent)" : d.Local)}");
        }
    }

    // Labels, names and tags come from the image and its registry: the whole line is escaped, keys included.
    private static void Line(StringBuilder sb, int indent, string text) => sb.Append(' ', indent * 2).Append(TerminalText.Escape(text)).Append('\n');
}
