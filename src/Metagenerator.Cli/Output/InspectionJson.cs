using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Metagenerator.Inspection;
using Metagenerator.Manifest;

namespace Metagenerator.Cli.Output;

/// <summary>The JSON form of an <see cref="InspectionReport"/>, for scripts (README: <c>inspect --format json</c>).</summary>
/// <remarks>Maps keep label order; parameter maps are keyed by name; a value the labels do not give is null.</remarks>
public static class InspectionJson
{
    /// <summary>Renders <paramref name="report"/> as indented JSON.</summary>
    public static string Render(InspectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps '+', ':' and non-ASCII as written; this JSON is never embedded in HTML.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var i = report.Inspection;
            var g = i.Generator;
            w.WriteStartObject();
            w.WriteString("reference", i.Reference);
            w.WriteString("digest", i.Digest);
            w.WriteString("mediaType", i.MediaType);
            w.WriteNumber("size", i.Size);
            w.WriteNumber("layers", i.LayerCount);
            w.WriteString("created", i.Created);
            w.WriteStartObject("base");
            w.WriteString("source", i.Base.Source);
            w.WriteNumber("layers", i.Base.LayerCount);
            w.WriteString("topLayer", i.Base.TopLayer);
            w.WriteString("lastStep", i.Base.LastStep);
            w.WriteEndObject();
            w.WriteString("warning", i.Warning);

            w.WriteStartObject("generator");
            w.WriteString("name", g.Name);
            w.WriteString("version", g.Version);
            w.WriteString("schema", g.Schema == ManifestSchema.Extended ? "extended" : "seed");
            w.WriteString("labelPrefix", g.LabelPrefix);
            Map(w, "config", g.Config);
            Parameters(w, "buildParameters", g.BuildParameters, "default");
            Parameters(w, "runtimeParameters", g.RuntimeParameters, "example");
            Parameters(w, "optionalParameters", g.OptionalParameters, "default");
            Map(w, "build", g.Build);
            Map(w, "other", g.Other);
            w.WriteEndObject();

            if (report.Models is { } models)
            {
                w.WriteString("modelRepositoryPrefix", report.ModelRepositoryPrefix);
                w.WriteStartArray("models");
                foreach (var m in models) Model(w, m);
                w.WriteEndArray();
            }
            if (report.Differences is { } differences)
            {
                w.WriteString("manifest", report.ManifestPath);
                w.WriteStartArray("differences");
                foreach (var d in differences)
                {
                    w.WriteStartObject();
                    w.WriteString("key", d.Key);
                    w.WriteString("registry", d.Registry);
                    w.WriteString("local", d.Local);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    /// <summary>Writes one model image as <c>inspect --models</c> lists it (also used by <c>generate</c>).</summary>
    public static void Model(Utf8JsonWriter w, ModelDescription m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.WriteStartObject();
        w.WriteString("name", m.Name);
        w.WriteString("tag", m.Tag);
        w.WriteString("reference", m.Reference);
        w.WriteString("digest", m.Digest);
        w.WriteBoolean("isIndex", m.IsIndex);
        w.WriteString("problem", m.Problem);
        w.WriteBoolean("hasModelLabels", m.HasModelLabels);
        w.WriteString("created", m.Created);
        w.WriteString("imageCreated", m.ImageCreated);
        Map(w, "generationParameters", m.GenerationParameters);
        Map(w, "parameters", m.RuntimeParameters);
        Map(w, "optionalParameters", m.OptionalParameters);
        w.WriteString("info", m.Info);
        w.WriteEndObject();
    }

    private static void Map(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in entries) w.WriteString(key, value);
        w.WriteEndObject();
    }

    private static void Parameters(Utf8JsonWriter w, string name, IReadOnlyList<GeneratorParameter> parameters, string valueName)
    {
        w.WriteStartObject(name);
        foreach (var p in parameters)
        {
            w.WriteStartObject(p.Name);
            w.WriteString("info", p.Info);
            w.WriteString(valueName, valueName == "example" ? p.Example : p.Default);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
