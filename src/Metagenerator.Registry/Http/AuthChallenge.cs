namespace Metagenerator.Registry.Http;

/// <summary>A parsed <c>WWW-Authenticate</c> challenge: scheme plus parameters (realm, service, scope, error).</summary>
/// <remarks>https://distribution.github.io/distribution/spec/auth/token/</remarks>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);
    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>This challenge without its <c>scope</c> parameter.</summary>
    public AuthChallenge WithoutScope() =>
        Scope is null ? this : this with { Parameters = Parameters.Where(kv => !kv.Key.Equals("scope", StringComparison.OrdinalIgnoreCase)).ToDictionary(StringComparer.OrdinalIgnoreCase) };

    /// <summary>The first Bearer or Basic challenge of a 401 response, or null.</summary>
    public static AuthChallenge? From(HttpResponseMessage response)
    {
        AuthChallenge? basic = null;
        foreach (var header in response.Headers.WwwAuthenticate)
        {
            var challenge = new AuthChallenge(header.Scheme, ParseParameters(header.Parameter ?? ""));
            if (challenge.IsBearer) return challenge;
            if (challenge.IsBasic) basic ??= challenge;
        }
        return basic;
    }

    /// <summary>Parses <c>key="value", key2=token</c>; quoted values may contain commas and escaped quotes.</summary>
    internal static Dictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i]))) i++;
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',') i++;
            var key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=') { continue; }
            i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var sb = new System.Text.StringBuilder();
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    sb.Append(text[i++]);
                }
                i++;
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',') i++;
                value = text[valueStart..i].Trim();
            }
            if (key.Length > 0) result[key] = value;
        }
        return result;
    }
}
