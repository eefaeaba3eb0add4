namespace Metagenerator.Generator;

/// <summary>What the generator understands of <c>EXTRA_FLAGS</c> (kaniko's flag names), for translating them to other builders.</summary>
/// <param name="Words">All words, in order.</param>
/// <param name="Unrecognized">The words that are not one of the recognised kaniko flags (nor their values).</param>
/// <param name="Cache"><c>true</c> after <c>--cache</c>/<c>--cache=true</c>, <c>false</c> after <c>--cache=false</c> (the last wins), else null.</param>
/// <param name="CacheDir">The value of <c>--cache-dir</c>, or null.</param>
/// <param name="InsecureAll"><c>--skip-tls-verify</c> or <c>--insecure</c> was given.</param>
/// <param name="InsecurePull"><c>--skip-tls-verify-pull</c> or <c>--insecure-pull</c> was given.</param>
/// <param name="InsecureHosts">Hosts named by <c>--skip-tls-verify-registry</c> or <c>--insecure-registry</c>.</param>
/// <param name="CertificatePath">The PATH of the last <c>--registry-certificate HOST=PATH</c>, or null.</param>
public sealed record ExtraFlags(
    IReadOnlyList<string> Words,
    IReadOnlyList<string> Unrecognized,
    bool? Cache,
    string? CacheDir,
    bool InsecureAll,
    bool InsecurePull,
    IReadOnlyList<string> InsecureHosts,
    string? CertificatePath)
{
    /// <summary>No extra flags.</summary>
    public static ExtraFlags None { get; } = Parse("");

    /// <summary>The characters the generator splits <c>EXTRA_FLAGS</c> on (the shell's default IFS). Quotes are not interpreted.</summary>
    public static readonly char[] Separators = [' ', '\t', '\n'];

    private static readonly string[] BoolTrue = ["--skip-tls-verify", "--insecure"];
    private static readonly string[] BoolPull = ["--skip-tls-verify-pull", "--insecure-pull"];
    private static readonly string[] ValueFlags =
        ["--cache-dir", "--cache-repo", "--cache-ttl", "--skip-tls-verify-registry", "--insecure-registry", "--registry-certificate"];

    /// <summary>Splits <paramref name="text"/> on spaces, tabs and newlines and scans it as the script does; throws
    /// <see cref="GeneratorInputException"/> when a flag that needs a value ends the list.</summary>
    public static ExtraFlags Parse(string text) =>
        Scan(text.Split(Separators, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Scans already split words (see <see cref="Parse"/>).</summary>
    public static ExtraFlags Scan(IReadOnlyList<string> words)
    {
        var unrecognized = new List<string>();
        bool? cache = null;
        string? cacheDir = null, certificate = null;
        bool insecureAll = false, insecurePull = false;
        var hosts = new List<string>();
        string? pending = null;

        void Take(string flag, string value)
        {
            switch (flag)
            {
                case "--cache-dir": cacheDir = value; break;
                case "--skip-tls-verify-registry" or "--insecure-registry": hosts.Add(value); break;
                case "--registry-certificate":
                    var eq = value.IndexOf('=', StringComparison.Ordinal);
                    certificate = eq < 0 ? value : value[(eq + 1)..];
                    break;
            }
        }

        foreach (var word in words)
        {
            if (pending is not null)
            {
                Take(pending, word);
                pending = null;
                continue;
            }
            switch (word)
            {
                case "--cache" or "--cache=true": cache = true; break;
                case "--cache=false": cache = false; break;
                case var w when BoolTrue.Any(f => w == f || w == f + "=true"): insecureAll = true; break;
                case var w when BoolPull.Any(f => w == f || w == f + "=true"): insecurePull = true; break;
                case var w when BoolTrue.Concat(BoolPull).Any(f => w == f + "=false"): break;
                case var w when ValueFlags.Contains(w): pending = w; break;
                case var w when ValueFlags.Any(f => w.StartsWith(f + "=", StringComparison.Ordinal)):
                    var eq = w.IndexOf('=', StringComparison.Ordinal);
                    Take(w[..eq], w[(eq + 1)..]);
                    break;
                default: unrecognized.Add(word); break;
            }
        }
        if (pending is not null)
            throw new GeneratorInputException("EXTRA_FLAGS", GeneratorMessages.ExtraFlagNeedsValue + pending);
        return new ExtraFlags(words.ToArray(), unrecognized, cache, cacheDir, insecureAll, insecurePull, hosts, certificate);
    }
}
