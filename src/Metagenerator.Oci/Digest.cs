using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Metagenerator.Oci;

/// <summary>A content digest such as <c>sha256:ab12…</c>.</summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests</remarks>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary>The algorithm, e.g. <c>sha256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lower-case hex encoded value.</summary>
    public string Hex { get; }

    /// <summary>The first 12 hex characters, for progress output.</summary>
    public string Short => Hex.Length > 12 ? Hex[..12] : Hex;

    /// <summary>Parses <c>algorithm:hex</c>; only sha256 and sha512 are accepted.</summary>
    public static Digest Parse(string value) =>
        TryParse(value, out var digest) ? digest : throw new FormatException($"'{value}' is not a valid digest (expected sha256:<64 hex characters>)");

    /// <summary>Tries to parse <c>algorithm:hex</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null) return false;
        var colon = value.IndexOf(':');
        if (colon <= 0) return false;
        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        var expected = algorithm switch { "sha256" => 64, "sha512" => 128, _ => -1 };
        if (hex.Length != expected) return false;
        foreach (var c in hex)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        digest = new Digest(algorithm, hex);
        return true;
    }

    /// <summary>The sha256 digest of <paramref name="data"/>.</summary>
    public static Digest Sha256(ReadOnlySpan<byte> data) => FromSha256Hash(SHA256.HashData(data));

    /// <summary>Wraps a finished sha256 hash.</summary>
    public static Digest FromSha256Hash(ReadOnlySpan<byte> hash) => new("sha256", Convert.ToHexStringLower(hash));

    /// <summary>The sha256 digest of a stream, read to its end.</summary>
    public static async Task<Digest> Sha256Async(Stream stream, CancellationToken ct = default) =>
        FromSha256Hash(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));

    /// <inheritdoc/>
    public override string ToString() => Algorithm is null ? "" : $"{Algorithm}:{Hex}";
}

internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return Digest.TryParse(text, out var d) ? d : throw new JsonException($"invalid digest '{text}'");
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
