using System.Globalization;

namespace Metagenerator.Oci.Layers;

/// <summary>The reproducible-builds timestamp: <c>SOURCE_DATE_EPOCH</c> (seconds since 1970) or a fixed default.</summary>
/// <remarks>https://reproducible-builds.org/specs/source-date-epoch/</remarks>
public static class SourceDateEpoch
{
    /// <summary>The environment variable name.</summary>
    public const string VariableName = "SOURCE_DATE_EPOCH";

    /// <summary>
    /// Parses <paramref name="value"/> (the variable's text); null or empty gives <see cref="LayerSpec.DefaultModificationTime"/>.
    /// </summary>
    /// <exception cref="InvalidInputException">The value is not a non-negative whole number of seconds.</exception>
    public static DateTimeOffset Resolve(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return LayerSpec.DefaultModificationTime;
        if (!long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799)
            throw new InvalidInputException($"{VariableName}='{value}' is not a number of seconds since 1970-01-01 (e.g. {VariableName}=$(git log -1 --format=%ct))");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>Reads <c>SOURCE_DATE_EPOCH</c> from the environment (see <see cref="Resolve"/>).</summary>
    public static DateTimeOffset FromEnvironment() => Resolve(Environment.GetEnvironmentVariable(VariableName));
}
