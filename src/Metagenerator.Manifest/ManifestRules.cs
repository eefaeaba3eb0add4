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

    /// <summary>Generator name: a repository path component (distribution spec) without dots.</summary>
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*$")]
    private static partial Regex GeneratorNamePattern();

    /// <summary>Image tag (distribution spec) without dots.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentNamePattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex PathComponentPattern();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    /// <summary>Checks the generator name (the single top-level key).</summary>
    public static string? CheckGeneratorName(string name)
    {
        if (GeneratorNamePattern().IsMatch(name)) return null;
        if (name.Length == 0) return "the generator name is empty; use lower-case letters and digits separated by '-', '_' or '__', e.g. 'my-generator'";
        var lower = name.ToLowerInvariant();
        if (lower != name && GeneratorNamePattern().IsMatch(lower))
            return $"generator name '{Show(name)}' has upper-case letters, which registries reject in repository names; use '{Show(lower)}'";
        if (name.Contains('.'))
        {
            var undotted = name.Replace('.', '-');
            var hint = GeneratorNamePattern().IsMatch(undotted) ? $", e.g. '{Show(undotted)}'" : "";
            return $"generator name '{Show(name)}' contains '.', which is not allowed because image labels are split on dots{hint}";
        }
        return $"generator name '{Show(name)}' is not a valid repository name component: use lower-case letters and digits, separated by '-', '_' or '__', starting and ending with a letter or digit";
    }

    /// <summary>Checks <c>version</c>: an image tag without dots.</summary>
    public static string? CheckVersion(string version)
    {
        if (VersionPattern().IsMatch(version)) return null;
        if (version.Length == 0) return "version is empty; it must be an image tag such as 'v1'";
        if (version.Contains('.'))
        {
            var undotted = version.Replace('.', '-');
            var hint = VersionPattern().IsMatch(undotted) ? $", e.g. '{Show(undotted)}'" : "";
            return $"version '{Show(version)}' contains '.', which is not allowed because image labels are split on dots{hint}";
        }
        return $"version '{Show(version)}' is not a valid image tag: use 1 to 128 letters, digits, '_' and '-', not starting with '-'";
    }

    /// <summary>Checks a config key or parameter name: a portable environment variable name.</summary>
    public static string? CheckEnvironmentName(string name) =>
        EnvironmentNamePattern().IsMatch(name)
            ? null
            : $"'{Show(name)}' is not a valid environment variable name: use letters, digits and '_', not starting with a digit";

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

        var hasPort = false;
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
            hasPort = true;
        }
        else if (rest.Length > 0 && !rest.StartsWith('/'))
        {
            return $"'{Show(value)}' is not a registry; {allowed}";
        }

        if (!hasPort && !host.StartsWith('[') && host != "localhost" && !host.Contains('.'))
        {
            return $"'{Show(host)}' has neither a dot nor a port, so image tools would read it as a Docker Hub namespace, not a registry host; "
                + $"write '{Show(host)}:PORT', its full domain name, or 'docker.io/{Show(host)}'";
        }

        if (rest.Length > 0)
        {
            foreach (var component in rest[1..].Split('/'))
            {
                if (PathComponentPattern().IsMatch(component)) continue;
                if (PathComponentPattern().IsMatch(component.ToLowerInvariant()))
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

    /// <summary>Checks <c>MODEL_DOCKERFILE</c>: a relative path that stays inside the model source.</summary>
    public static string? CheckDockerfilePath(string path)
    {
        const string example = "e.g. 'Dockerfile' or 'docker/Dockerfile.model'";
        if (path.Length == 0) return $"MODEL_DOCKERFILE is empty; give the Dockerfile's path relative to the model source, {example}";
        if (path.StartsWith('/')) return $"'{Show(path)}' is absolute; give the path relative to the model source, {example}";
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
        if (allowOciLayout && reference.StartsWith("oci:", StringComparison.Ordinal))
            return reference.Length > 4 ? null : "'oci:' needs a directory: oci:DIR[:TAG]";
        return Oci.ImageReference.TryParse(reference, out _, out var error) ? null : $"not a valid image reference: {error}";
    }

    /// <summary>A value for a message: one line, at most 60 characters.</summary>
    internal static string Show(string value) => Yaml.SourceDocumentReader.Shorten(value);
}
