using System.Text;

namespace Metagenerator.Docker;

/// <summary>
/// Keeps secrets out of what <c>generate</c> prints: values of parameters whose names say they are secret, and the
/// credentials of config.json, replaced by <c>***</c> wherever they appear (the summary, the model labels, the generator's output).
/// </summary>
public sealed class SecretRedaction
{
    private static readonly string[] SecretWords = ["PASSWORD", "SECRET", "TOKEN", "KEY"];
    private readonly string[] _secrets;

    /// <summary>Redacts every one of <paramref name="secrets"/> (empty and very short ones ignored: they would blank ordinary text).</summary>
    public SecretRedaction(IEnumerable<string?> secrets) =>
        _secrets = [.. secrets.OfType<string>().Where(s => s.Length >= 3).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

    /// <summary>True when a variable named <paramref name="name"/> holds a secret (its name contains PASSWORD, SECRET, TOKEN or KEY).</summary>
    public static bool IsSecretName(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value to show for the variable <paramref name="name"/>.</summary>
    public string Value(string name, string value) => IsSecretName(name) ? "***" : Text(value);

    /// <summary><paramref name="text"/> with every secret replaced by <c>***</c>.</summary>
    public string Text(string text)
    {
        if (_secrets.Length == 0) return text;
        var sb = new StringBuilder(text);
        foreach (var secret in _secrets) sb.Replace(secret, "***");
        return sb.ToString();
    }
}
