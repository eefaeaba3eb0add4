using System.Text;
using System.Text.RegularExpressions;

namespace Metagenerator.Oci.Layers;

/// <summary>
/// A parsed <c>.dockerignore</c> with Docker's matching rules (moby/patternmatcher).
/// </summary>
/// <remarks>
/// https://docs.docker.com/build/concepts/context/#dockerignore-files. Lines are trimmed; <c>#</c>
/// starts a comment line; <c>!</c> makes an exception; each pattern is path-cleaned (so <c>dir/</c>
/// means <c>dir</c>) and loses one leading <c>/</c>. <c>*</c> and <c>?</c> never cross <c>/</c>,
/// <c>**</c> matches any number of directories, <c>[...]</c> is a character class and <c>\</c>
/// escapes. A pattern that matches a parent directory matches everything under it. Every pattern
/// is checked in order and the last one that matches wins.
/// </remarks>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<Rule> _rules;

    private DockerIgnore(IReadOnlyList<Rule> rules) => _rules = rules;

    /// <summary>A matcher that excludes nothing.</summary>
    public static DockerIgnore Empty { get; } = new([]);

    /// <summary>True when at least one rule is an exception (<c>!pattern</c>), so excluded directories must still be searched.</summary>
    public bool HasExceptions => _rules.Any(r => r.IsException);

    /// <summary>The cleaned patterns in file order, exceptions prefixed with <c>!</c>.</summary>
    public IReadOnlyList<string> Patterns => _rules.Select(r => (r.IsException ? "!" : "") + r.Pattern).ToList();

    /// <summary>Parses the text of a <c>.dockerignore</c> file; <paramref name="fileName"/> only names it in errors.</summary>
    public static DockerIgnore Parse(string text, string fileName = ".dockerignore")
    {
        var rules = new List<Rule>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith('#')) continue;
            line = line.Trim();
            if (line.Length == 0) continue;
            var isException = false;
            if (line[0] == '!')
            {
                isException = true;
                line = line[1..].Trim();
            }
            if (line.Length > 0)
            {
                line = CleanPath(line);
                if (line.Length > 1 && line[0] == '/') line = line[1..];
            }
            if (line.Length == 0 && !isException) continue;
            if (isException && (line.Length == 0 || line == "."))
                throw new InvalidInputException($"{fileName} line {lineNumber}: '{rawLine.Trim()}' is an exception ('!') without a pattern");
            Regex regex;
            try
            {
                regex = new Regex(ToRegex(line), RegexOptions.CultureInvariant | RegexOptions.Singleline);
            }
            catch (ArgumentException e)
            {
                throw new InvalidInputException($"{fileName} line {lineNumber}: pattern '{rawLine.Trim()}' is invalid: {e.Message}");
            }
            rules.Add(new Rule(line, isException, regex));
        }
        return new DockerIgnore(rules);
    }

    /// <summary>The largest <c>.dockerignore</c> read, in bytes; a larger one is refused rather than read whole.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads <c>.dockerignore</c> from <paramref name="directory"/>, or returns <see cref="Empty"/> when there is none.</summary>
    /// <exception cref="InvalidInputException">It is not a regular file (after symlinks), is larger than <see cref="MaxFileBytes"/>, or has an invalid pattern.</exception>
    public static DockerIgnore Load(string directory)
    {
        var path = Path.Combine(directory, ".dockerignore");
        // Checked before opening: opening a FIFO blocks until a writer comes, and a device such as /dev/zero never ends.
        switch (UnixFileKinds.GetFollowingSymlinks(path))
        {
            case null: return Empty;
            case UnixFileKind.Regular: break;
            case var kind: throw new InvalidInputException($"{path} is a {UnixFileKinds.Describe(kind.Value)}{(File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target ? $" (through a symlink to {target.FullName})" : "")}, not a regular file; make it a file or remove it");
        }
        return Parse(ReadCapped(path), path);
    }

    /// <summary>Reads the file, failing as soon as more than <see cref="MaxFileBytes"/> arrive (the reported length is not trusted).</summary>
    private static string ReadCapped(string path)
    {
        if (!SmallInputFile.TryReadAtMost(path, MaxFileBytes, out var bytes))
            throw new InvalidInputException($"{path} is larger than {MaxFileBytes / (1 << 20)} MiB; a .dockerignore that large is not a list of patterns");
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes).TrimStart('\uFEFF');
    }

    /// <summary>True when <paramref name="relativePath"/> (slash-separated, relative to the context root) is excluded.</summary>
    public bool IsExcluded(string relativePath)
    {
        if (_rules.Count == 0) return false;
        // A backslash is an ordinary character in a Linux file name, as it is for Docker's patternmatcher there.
        var path = CleanPath(relativePath);
        var parents = path.Split('/');
        var excluded = false;
        foreach (var rule in _rules)
        {
            var match = rule.Regex.IsMatch(path);
            // A pattern naming a directory also covers everything below it.
            for (var i = 1; !match && i < parents.Length; i++)
                match = rule.Regex.IsMatch(string.Join('/', parents, 0, i));
            if (match) excluded = !rule.IsException;
        }
        return excluded;
    }

    /// <summary>Go's <c>filepath.Clean</c> for slash-separated paths.</summary>
    internal static string CleanPath(string path)
    {
        if (path.Length == 0) return ".";
        var rooted = path[0] == '/';
        var output = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (output.Count > 0 && output[^1] != "..") output.RemoveAt(output.Count - 1);
                else if (!rooted) output.Add("..");
                continue;
            }
            output.Add(part);
        }
        var joined = string.Join('/', output);
        if (rooted) return "/" + joined;
        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>Translates a pattern the way patternmatcher's <c>compile</c> does.</summary>
    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            if (inClass && ch != '\\')
            {
                // Inside [...] characters keep their class meaning (ranges, ^ negation).
                sb.Append(ch);
                if (ch == ']') inClass = false;
                continue;
            }
            switch (ch)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    // "**/" is the same as "**".
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/') i++;
                    if (i + 1 >= pattern.Length) sb.Append(".*");
                    else sb.Append("(.*/)?");
                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    sb.Append(ch);
                    inClass = true;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        // Negation; kept apart so "[^]...]" style classes stay one class.
                        sb.Append('^');
                        i++;
                    }
                    break;
                case ']':
                    sb.Append(@"\]");
                    break;
                case '\\':
                    if (i + 1 < pattern.Length) sb.Append(Regex.Escape(pattern[++i].ToString()));
                    else sb.Append(@"\\");
                    break;
                default:
                    sb.Append(Regex.Escape(ch.ToString()));
                    break;
            }
        }
        return sb.Append('$').ToString();
    }

    private sealed record Rule(string Pattern, bool IsException, Regex Regex);
}
