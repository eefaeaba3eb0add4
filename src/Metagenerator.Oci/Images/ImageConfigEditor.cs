using System.Globalization;
using System.Text.Json.Nodes;

namespace Metagenerator.Oci.Images;

/// <summary>Common edits of an image config held as a <see cref="JsonObject"/> (the whole config blob, with its inner <c>config</c> object).</summary>
/// <remarks>Unknown fields of the base config are left untouched. https://github.com/opencontainers/image-spec/blob/main/config.md</remarks>
public static class ImageConfigEditor
{
    /// <summary>RFC 3339 in UTC with seconds, fractional seconds only when not zero (e.g. <c>2026-11-25T10:00:00Z</c>).</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>The inner runtime <c>config</c> object, created when missing.</summary>
    public static JsonObject RuntimeConfig(JsonObject imageConfig)
    {
        if (imageConfig["config"] is JsonObject inner) return inner;
        inner = new JsonObject();
        imageConfig["config"] = inner;
        return inner;
    }

    /// <summary>Sets the top-level <c>created</c> time.</summary>
    public static void SetCreated(JsonObject imageConfig, DateTimeOffset created) => imageConfig["created"] = FormatTimestamp(created);

    /// <summary>Sets <c>config.WorkingDir</c>.</summary>
    public static void SetWorkingDir(JsonObject imageConfig, string workingDir) => RuntimeConfig(imageConfig)["WorkingDir"] = workingDir;

    /// <summary>Sets <c>KEY=value</c> in <c>config.Env</c>, replacing an existing entry for the key in place or appending.</summary>
    public static void SetEnv(JsonObject imageConfig, string key, string value)
    {
        if (key.Length == 0 || key.Contains('=')) throw new ArgumentException($"environment variable name '{key}' is invalid", nameof(key));
        var config = RuntimeConfig(imageConfig);
        var env = config["Env"] as JsonArray;
        if (env is null)
        {
            env = [];
            config["Env"] = env;
        }
        var entry = $"{key}={value}";
        for (var i = 0; i < env.Count; i++)
        {
            var existing = env[i]?.GetValue<string>();
            if (existing is not null && (existing == key || existing.StartsWith(key + "=", StringComparison.Ordinal)))
            {
                env[i] = entry;
                return;
            }
        }
        env.Add((JsonNode)entry);
    }

    /// <summary>The value of <paramref name="key"/> in <c>config.Env</c>, or null.</summary>
    public static string? GetEnv(JsonObject imageConfig, string key)
    {
        if (imageConfig["config"]?["Env"] is not JsonArray env) return null;
        foreach (var node in env)
        {
            var text = node?.GetValue<string>();
            if (text is not null && text.StartsWith(key + "=", StringComparison.Ordinal)) return text[(key.Length + 1)..];
        }
        return null;
    }

    /// <summary>Sets <c>config.Entrypoint</c>; null removes it (inherit nothing).</summary>
    public static void SetEntrypoint(JsonObject imageConfig, IReadOnlyList<string>? entrypoint) => SetArray(imageConfig, "Entrypoint", entrypoint);

    /// <summary>Sets <c>config.Cmd</c>; null removes it, so a base image's Cmd does not become arguments of a new entrypoint.</summary>
    public static void SetCmd(JsonObject imageConfig, IReadOnlyList<string>? cmd) => SetArray(imageConfig, "Cmd", cmd);

    /// <summary>Adds or replaces labels in <c>config.Labels</c>.</summary>
    public static void AddLabels(JsonObject imageConfig, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var config = RuntimeConfig(imageConfig);
        if (config["Labels"] is not JsonObject existing)
        {
            existing = new JsonObject();
            config["Labels"] = existing;
        }
        foreach (var (key, value) in labels) existing[key] = value;
    }

    private static void SetArray(JsonObject imageConfig, string name, IReadOnlyList<string>? values)
    {
        var config = RuntimeConfig(imageConfig);
        if (values is null)
        {
            config.Remove(name);
            return;
        }
        var array = new JsonArray();
        foreach (var v in values) array.Add((JsonNode)v);
        config[name] = array;
    }
}
