using System.Text.Json.Serialization;

namespace Metagenerator.Oci;

/// <summary>An image platform such as <c>linux/amd64</c> or <c>linux/arm64/v8</c>.</summary>
public sealed record Platform
{
    /// <summary>The CPU architecture, e.g. amd64.</summary>
    [JsonPropertyName("architecture")] public required string Architecture { get; init; }
    /// <summary>The operating system, e.g. linux.</summary>
    [JsonPropertyName("os")] public required string Os { get; init; }

    /// <summary>The CPU variant, e.g. v8, when the architecture has several.</summary>
    [JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary>The default platform, <c>linux/amd64</c>.</summary>
    public static Platform LinuxAmd64 { get; } = new() { Os = "linux", Architecture = "amd64" };

    /// <summary>Parses <c>os/arch[/variant]</c>.</summary>
    public static Platform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
            throw new InvalidInputException($"'{text}' is not a platform; expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8");
        return new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null };
    }

    /// <summary>True when <paramref name="candidate"/> (from an index) serves this platform.</summary>
    public bool Matches(Platform? candidate) =>
        candidate is not null
        && candidate.Os == Os
        && candidate.Architecture == Architecture
        && (Variant is null || candidate.Variant == Variant || (Variant == "v8" && candidate.Variant is null));

    /// <inheritdoc/>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
