using System.Text.Json;
using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>
/// Checks the shape of a manifest and a config read from a registry before anything uses them, so that bad registry
/// data is reported as such (the first problem, by its JSON path), not as a crash further on.
/// </summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/main/manifest.md and .../config.md</remarks>
internal static class ImageDataCheck
{
    /// <summary>The first problem of an image manifest's descriptors, or null.</summary>
    public static string? ManifestProblem(ReadOnlySpan<byte> manifest)
    {
        try
        {
            using var doc = JsonDocument.Parse(manifest.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return $"the manifest is {Kind(root)}, not an object";
            if (!root.TryGetProperty("config", out var config)) return "config is missing";
            if (DescriptorProblem(config, "config") is { } c) return c;
            if (!root.TryGetProperty("layers", out var layers)) return "layers is missing";
            if (layers.ValueKind != JsonValueKind.Array) return $"layers is {Kind(layers)}, not an array";
            var i = 0;
            foreach (var layer in layers.EnumerateArray())
                if (DescriptorProblem(layer, $"layers[{i++}]") is { } l) return l;
            return null;
        }
        catch (JsonException e)
        {
            return $"it is not JSON ({e.Message})";
        }
    }

    private static string? DescriptorProblem(JsonElement descriptor, string path)
    {
        if (descriptor.ValueKind != JsonValueKind.Object) return $"{path} is {Kind(descriptor)}, not a descriptor";
        if (!descriptor.TryGetProperty("mediaType", out var mediaType) || mediaType.ValueKind != JsonValueKind.String) return $"{path}.mediaType is not a string";
        if (!descriptor.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String || !Digest.TryParse(digest.GetString(), out _))
            return $"{path}.digest is not a digest (algorithm:hex)";
        if (!descriptor.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var n) || n < 0)
            return $"{path}.size is not a byte count";
        return null;
    }

    /// <summary>The first problem of an image config in the fields an image's users rely on, or null.</summary>
    /// <remarks><c>rootfs.diff_ids</c> is the image's to check (<see cref="Image.FromManifestAndConfig"/>): it pairs them with the layers.</remarks>
    public static string? ConfigProblem(ReadOnlySpan<byte> configBytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(configBytes.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return $"the config is {Kind(root)}, not an object";
            if (root.TryGetProperty("config", out var config) && config.ValueKind != JsonValueKind.Null)
            {
                if (config.ValueKind != JsonValueKind.Object) return $"config is {Kind(config)}, not an object";
                foreach (var name in (string[])["Env", "Entrypoint", "Cmd", "OnBuild", "Shell"])
                    if (StringArrayProblem(config, name, $"config.{name}") is { } p) return p;
                foreach (var name in (string[])["User", "WorkingDir", "StopSignal"])
                    if (config.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        return $"config.{name} is {Kind(v)}, not a string";
                if (config.TryGetProperty("Labels", out var labels) && labels.ValueKind != JsonValueKind.Null)
                {
                    if (labels.ValueKind != JsonValueKind.Object) return $"config.Labels is {Kind(labels)}, not an object";
                    foreach (var label in labels.EnumerateObject())
                        if (label.Value.ValueKind != JsonValueKind.String) return $"config.Labels[\"{label.Name}\"] is {Kind(label.Value)}, not a string";
                }
                foreach (var name in (string[])["ExposedPorts", "Volumes"])
                    if (config.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                        return $"config.{name} is {Kind(v)}, not an object";
            }
            if (root.TryGetProperty("history", out var history) && history.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
                return $"history is {Kind(history)}, not an array";
            return null;
        }
        catch (JsonException e)
        {
            return $"it is not JSON ({e.Message})";
        }
    }

    private static string? StringArrayProblem(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array) return $"{path} is {Kind(value)}, not an array of strings";
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return $"{path}[{i}] is {Kind(item)}, not a string";
            i++;
        }
        return null;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Number => e.GetRawText() is { Length: <= 30 } number ? $"a number ({number})" : "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => e.GetString() is { Length: <= 80 } text ? $"the string \"{text}\"" : "a long string",
        _ => e.ValueKind.ToString(),
    };
}
