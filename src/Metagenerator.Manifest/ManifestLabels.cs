using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Metagenerator.Manifest.Yaml;

namespace Metagenerator.Manifest;

/// <summary>
/// Generator-image labels per docs/contracts.md §2: the manifest body except <c>version</c>, flattened under
/// <c>&lt;name&gt;.&lt;version&gt;.</c>, nested map keys joined with dots, scalars as their source text, lists
/// (and whatever they hold) as compact JSON; then the OCI title and version labels.
/// </summary>
internal static class ManifestLabels
{
    /// <summary>The OCI annotation/label naming the image.</summary>
    public const string TitleLabel = "org.opencontainers.image.title";

    /// <summary>The OCI annotation/label giving the image version.</summary>
    public const string VersionLabel = "org.opencontainers.image.version";

    public static IReadOnlyList<KeyValuePair<string, string>> Flatten(string name, string version, SourceMapping body)
    {
        var labels = new List<KeyValuePair<string, string>>();
        var prefix = $"{name}.{version}";
        foreach (var (key, value) in body.Entries)
        {
            if (key.Text == ManifestValidator.Version) continue;
            // An empty section ('parameters:' with nothing under it) is an empty map: no labels.
            if (value is SourceScalar { IsNullLike: true }) continue;
            Add(labels, $"{prefix}.{key.Text}", value);
        }
        labels.Add(new(TitleLabel, name));
        labels.Add(new(VersionLabel, version));
        return labels;
    }

    private static void Add(List<KeyValuePair<string, string>> labels, string key, SourceNode node)
    {
        switch (node)
        {
            case SourceScalar s:
                labels.Add(new(key, s.Text));
                break;
            case SourceSequence q:
                labels.Add(new(key, ToJson(q)));
                break;
            case SourceMapping m:
                foreach (var (k, v) in m.Entries) Add(labels, $"{key}.{k.Text}", v);
                break;
        }
    }

    /// <summary>Compact JSON of a node: scalars are JSON strings holding their source text (so <c>042</c> stays <c>"042"</c>).</summary>
    internal static string ToJson(SourceNode node)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps ':' '+' '<' and non-ASCII as written; labels are never embedded in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 1000 }))
        {
            Write(writer, node);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void Write(Utf8JsonWriter writer, SourceNode node)
    {
        switch (node)
        {
            case SourceScalar s:
                writer.WriteStringValue(s.Text);
                break;
            case SourceSequence q:
                writer.WriteStartArray();
                foreach (var item in q.Items) Write(writer, item);
                writer.WriteEndArray();
                break;
            case SourceMapping m:
                writer.WriteStartObject();
                foreach (var (k, v) in m.Entries)
                {
                    writer.WritePropertyName(k.Text);
                    Write(writer, v);
                }
                writer.WriteEndObject();
                break;
        }
    }
}
