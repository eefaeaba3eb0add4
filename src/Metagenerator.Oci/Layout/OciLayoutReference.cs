using System.Diagnostics.CodeAnalysis;

namespace Metagenerator.Oci.Layout;

/// <summary>The command-line form of a local OCI layout image: <c>oci:DIR[:TAG]</c> (as skopeo spells it).</summary>
public sealed record OciLayoutReference(string Directory, string? Tag)
{
    /// <summary>The transport prefix, <c>oci:</c>.</summary>
    public const string Prefix = "oci:";

    /// <summary>True when <paramref name="text"/> starts with <c>oci:</c>, i.e. names a layout rather than a registry image.</summary>
    public static bool IsOciLayoutReference(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Parses <c>oci:DIR[:TAG]</c>; the directory ends at the first colon, the tag may contain colons and slashes.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out OciLayoutReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (!IsOciLayoutReference(text))
        {
            error = $"'{text}' is not an OCI layout reference (expected oci:DIR[:TAG])";
            return false;
        }
        var rest = text![Prefix.Length..];
        var colon = rest.IndexOf(':');
        var directory = colon < 0 ? rest : rest[..colon];
        var tag = colon < 0 ? null : rest[(colon + 1)..];
        if (directory.Length == 0)
        {
            error = $"'{text}' names no directory (expected oci:DIR[:TAG])";
            return false;
        }
        if (tag is { Length: 0 })
        {
            error = $"'{text}' has an empty tag after the directory (expected oci:DIR[:TAG])";
            return false;
        }
        reference = new OciLayoutReference(directory, tag);
        error = null;
        return true;
    }

    /// <summary>Parses <c>oci:DIR[:TAG]</c> or throws <see cref="InvalidInputException"/> saying what is wrong.</summary>
    public static OciLayoutReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new InvalidInputException(error);

    /// <inheritdoc/>
    public override string ToString() => Tag is null ? Prefix + Directory : $"{Prefix}{Directory}:{Tag}";
}
