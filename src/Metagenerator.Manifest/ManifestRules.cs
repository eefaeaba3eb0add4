using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Metagenerator.Manifest;

/// <summary>
/// The value rules of the manifest, each returning null when the value is fine or a message saying what is wrong
/// and what is allowed. Shared by the validator and (as patterns) mirrored by schema/generator-manifest.schema.json.
/// </summary>
public static partial class ManifestRules
{
    /// <summary>The builders the generator script can drive (<see cref="BuilderKindParser.AllowedNames"/>).</summary>
    public static IReadOnlyList<string> Builders => BuilderKindParser.AllowedNames;

    /// <summary>The Model API's route pattern for generator names and versions (docs/contracts.md §7), quoted in messages.</summary>
    public const string ModelApiNamePattern = "^[a-zA-Z0-9][a-zA-Z0-9-]+$";

    /// <summary>The longest version: an image tag holds at most 128 characters.</summary>
    public const int MaxVersionLength = 128;

    /// <summary>
    /// Generator name: what the Model API's routes accept (<see cref="ModelApiNamePattern"/>), in lower case because it is
    /// a repository name, and not ending with '-', which registries reject in repository names.
    /// </summary>
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*[a-z0-9]$")]
    private static partial Regex GeneratorNamePattern();

    /// <summary>Version: what the Model API's routes accept, at most as long as an image tag.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{1,127}$")]
    private static partial Regex VersionPattern();

    private const string ModelApiAccepts = "the Model API's routes accept only " + ModelApiNamePattern + " and answer HTTP 400 to anything else";

    /// <summary>Checks the generator name (the single top-level key).</summary>
    public static string? CheckGeneratorName(string name)
    {
        if (GeneratorNamePattern().IsMatch(name)) return null;
        const string allowed = "use lower-case letters, digits and '-', at least two characters, starting and ending with a letter or digit";
        if (name.Length == 0) return $"the generator name is empty; {allowed}, e.g. 'my-generator'";
        var shown = $"generator name '{Show(name)}'";
        var fix = Suggestion(name, GeneratorNamePattern(), lowerCase: true);
        var useFix = fix is null ? "" : $"; use '{Show(fix)}'";
        if (name.Contains('.')) return $"{shown} contains '.', which is not allowed because image labels are split on dots{useFix}";
        if (name.Contains('_')) return $"{shown} contains '_': {ModelApiAccepts}{useFix}";
        if (name.Any(char.IsAsciiLetterUpper) && GeneratorNamePattern().IsMatch(name.ToLowerInvariant()))
            return $"{shown} has upper-case letters, which registries reject in repository names; use '{Show(name.ToLowerInvariant())}'";
        if (name.Length == 1) return $"{shown} is a single character: {ModelApiAccepts}, so at least two characters";
        if (name[0] == '-') return $"{shown} starts with '-'; {allowed}{useFix}";
        if (name[^1] == '-') return $"{shown} ends with '-', which registries reject in repository names; {allowed}{useFix}";
        return $"{shown} is not allowed: {allowed} ({ModelApiAccepts}; registries need lower case){useFix}";
    }

    /// <summary>Checks <c>version</c>: the generator image tag, as the Model API's routes accept it.</summary>
    public static string? CheckVersion(string version)
    {
        if (VersionPattern().IsMatch(version)) return null;
        const string allowed = "use 2 to 128 letters, digits and '-', starting with a letter or digit";
        if (version.Length == 0) return $"version is empty; it is the generator image tag: {allowed}, e.g. 'v1'";
        var shown = $"version '{Show(version)}'";
        var fix = Suggestion(version, VersionPattern(), lowerCase: false);
        var useFix = fix is null ? "" : $", e.g. '{Show(fix)}'";
        if (version.Contains('.')) return $"{shown} contains '.', which is not allowed because image labels are split on dots{useFix}";
        if (version.Contains('_')) return $"{shown} contains '_': {ModelApiAccepts}{useFix}";
        if (version.Length == 1) return $"{shown} is a single character: {ModelApiAccepts}, so at least two characters, e.g. 'v{Show(version)}'";
        if (version.Length > MaxVersionLength) return $"version is {version.Length} characters long; an image tag holds at most {MaxVersionLength}";
        if (version[0] == '-') return $"{shown} starts with '-'; {allowed}{useFix}";
        return $"{shown} is not allowed: {allowed} ({ModelApiAccepts}){useFix}";
    }

    /// <summary>A valid spelling close to <paramref name="text"/> ('.', '_' and spaces become '-'), or null.</summary>
    private static string? Suggestion(string text, Regex pattern, bool lowerCase)
    {
        var candidate = new string([.. (lowerCase ? text.ToLowerInvariant() : text).Select(c => c is '.' or '_' or ' ' ? '-' : c)]).Trim('-');
        return candidate != text && pattern.IsMatch(candidate) ? candidate : null;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    /// <summary>The config keys every manifest must have.</summary>
    public static IReadOnlyList<string> MandatoryConfigKeys { get; } = ["GENERATOR_REGISTRY", "MODEL_REGISTRY", "MODEL_DOCKERFILE"];

    /// <summary>Whether <paramref name="name"/> is a portable environment (and shell) variable name: <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static bool IsEnvironmentName(string name) => EnvironmentNamePattern().IsMatch(name);

    /// <summary>Checks a config key or parameter name: a portable environment variable name.</summary>
    public static string? CheckEnvironmentName(string name) =>
        IsEnvironmentName(name)
            ? null
            : $"'{Show(name)}' is not a valid environment variable name: use letters, digits and '_', not starting with a digit";

    /// <summary>
    /// Checks a config key or parameter name completely: an environment variable name that is not reserved
    /// (<see cref="ReservedNames"/>). The validator and the generator script's renderer both call this.
    /// </summary>
    public static string? CheckVariableName(string name)
    {
        if (CheckEnvironmentName(name) is { } error) return error;
        return ReservedNames.Reason(name) is { } reason ? $"'{name}' is reserved: {reason}; choose another name" : null;
    }

    /// <summary>
    /// Checks a registry (<c>GENERATOR_REGISTRY</c>, <c>MODEL_REGISTRY</c>): empty (no prefix), or
    /// host (DNS name, localhost, IPv4, [IPv6]) with an optional :port and an optional /path.
    /// </summary>
    public static string? CheckRegistry(string value)
    {
        if (value.Length == 0) return null;
        const string allowed = "write host[:port][/path], e.g. 'localhost:5000', 'registry.example.com' or 'ghcr.io/my-org'";
        // The value is not echoed when it may hold credentials.
        if (value.Contains('@')) return $"must not contain '@' (credentials belong in config.json, never in the manifest); {allowed}";
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) return $"'{Show(value)}' has a URL scheme; remove '{Show(value[..(scheme + 3)])}' and {allowed}";
        if (value.Any(char.IsWhiteSpace)) return $"'{Show(value)}' contains whitespace; {allowed}";
        if (value.EndsWith('/')) return $"'{Show(value)}' ends with '/'; remove it";

        string host;
        string rest;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            if (close < 0) return $"'{Show(value)}' opens '[' for an IPv6 address but never closes it; {allowed}";
            host = value[..(close + 1)];
            rest = value[(close + 1)..];
            if (!IPAddress.TryParse(host[1..^1], out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
                return $"'{Show(host)}' is not a valid bracketed IPv6 address; {allowed}";
        }
        else
        {
            var end = value.IndexOfAny([':', '/']);
            host = end < 0 ? value : value[..end];
            rest = end < 0 ? "" : value[end..];
            if (CheckHost(host) is { } hostError) return $"{hostError}; {allowed}";
        }

        if (rest.StartsWith(':'))
        {
            var slash = rest.IndexOf('/');
            var port = slash < 0 ? rest[1..] : rest[1..slash];
            rest = slash < 0 ? "" : rest[slash..];
            if (port.Length == 0 || port.Length > 5 || !port.All(char.IsAsciiDigit) || port[0] == '0'
                || int.Parse(port, CultureInfo.InvariantCulture) is < 1 or > 65535)
            {
                return $"port '{Show(port)}' of '{Show(value)}' is not a number from 1 to 65535 (without leading zeros)";
            }
        }
        else if (rest.Length > 0 && !rest.StartsWith('/'))
        {
            return $"'{Show(value)}' is not a registry; {allowed}";
        }

        // The rule image tools apply to the first component of a reference: host[:port] before the first '/'.
        if (!Oci.ImageReference.IsRegistryHost(value.Split('/')[0]))
        {
            return $"'{Show(host)}' has neither a dot nor a port, so image tools would read it as a Docker Hub namespace, not a registry host; "
                + $"write '{Show(host)}:PORT', its full domain name, or 'docker.io/{Show(host)}'";
        }

        if (rest.Length > 0)
        {
            foreach (var component in rest[1..].Split('/'))
            {
                if (Oci.ImageReference.IsRepositoryComponent(component)) continue;
                if (Oci.ImageReference.IsRepositoryComponent(component.ToLowerInvariant()))
                    return $"path component '{Show(component)}' of '{Show(value)}' has upper-case letters, which registries reject in repository names; use '{Show(component.ToLowerInvariant())}'";
                return $"path component '{Show(component)}' of '{Show(value)}' is invalid: use lower-case letters and digits separated by '.', '_', '__' or '-' (no tag or digest)";
            }
        }
        return null;
    }

    private static string? CheckHost(string host)
    {
        if (host.Length == 0) return "the registry host is empty";
        if (host == "localhost") return null;
        var labels = host.Split('.');
        if (labels.All(l => l.Length > 0 && l.All(char.IsAsciiDigit)))
        {
            if (labels.Length == 4 && labels.All(l => l.Length <= 3 && (l.Length == 1 || l[0] != '0') && int.Parse(l, CultureInfo.InvariantCulture) <= 255)) return null;
            return $"'{Show(host)}' is not a valid IPv4 address (four numbers from 0 to 255, without leading zeros)";
        }
        if (host.Length > 253) return $"host name '{Show(host)}' is longer than 253 characters";
        foreach (var label in labels)
        {
            if (!DnsLabelPattern().IsMatch(label))
                return $"'{Show(host)}' is not a valid host name: dot-separated labels of letters, digits and '-', each starting and ending with a letter or digit";
        }
        return null;
    }

    /// <summary>Checks <c>MODEL_DOCKERFILE</c>: a relative path that stays inside the model source, without a comma.</summary>
    public static string? CheckDockerfilePath(string path)
    {
        const string example = "e.g. 'Dockerfile' or 'docker/Dockerfile.model'";
        if (path.Length == 0) return $"MODEL_DOCKERFILE is empty; give the Dockerfile's path relative to the model source, {example}";
        if (path.StartsWith('/')) return $"'{Show(path)}' is absolute; give the path relative to the model source, {example}";
        // buildah reads -f as a comma-separated list, so such a path would become two Dockerfiles there.
        if (path.Contains(','))
            return $"'{Show(path)}' contains a comma, which buildah's -f reads as a list separator; rename the Dockerfile or its directory, {example}";
        if (path.Contains('\\') || (path.Length >= 2 && path[1] == ':' && char.IsAsciiLetter(path[0])))
            return $"'{Show(path)}' looks like a Windows path; use '/' as separator, relative to the model source, {example}";
        var depth = 0;
        var segments = path.Split('/');
        foreach (var segment in segments)
        {
            if (segment is "" or ".") continue;
            if (segment == "..")
            {
                if (--depth < 0) return $"'{Show(path)}' leaves the model source through '..'; the Dockerfile must be inside the model source, {example}";
            }
            else
            {
                depth++;
            }
        }
        if (segments[^1] is "" or "." or ".." || depth == 0)
            return $"'{Show(path)}' names a directory; MODEL_DOCKERFILE must name the Dockerfile itself, {example}";
        return null;
    }

    /// <summary>Checks a <c>build.builder</c> value.</summary>
    public static string? CheckBuilder(string builder) =>
        Builders.Contains(builder)
            ? null
            : $"unknown builder '{Show(builder)}'; use one of {string.Join(", ", Builders)}"
              + (Hints.Suggest(builder, Builders) is { } s ? $" (did you mean '{s}'?)" : "");

    /// <summary>Checks an image reference in <c>build.cache</c> or <c>build.base_image</c> (which may also be <c>oci:DIR[:TAG]</c>).</summary>
    public static string? CheckImageReference(string reference, bool allowOciLayout)
    {
        if (allowOciLayout && Oci.Layout.OciLayoutReference.IsOciLayoutReference(reference))
            return Oci.Layout.OciLayoutReference.TryParse(reference, out _, out var layoutError) ? null : $"not a valid OCI layout reference: {layoutError}";
        return Oci.ImageReference.TryParse(reference, out _, out var error) ? null : $"not a valid image reference: {error}";
    }

    /// <summary>A value for a message: one line, at most 60 characters.</summary>
    internal static string Show(string value) => Yaml.SourceDocumentReader.Shorten(value);
}
