using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Metagenerator.Oci;

/// <summary>A registry image reference: <c>[registry/]repository[:tag][@digest]</c>.</summary>
/// <remarks>
/// Grammar of distribution's reference package: the first path component is a registry when it
/// contains a dot or a colon or is <c>localhost</c>; otherwise the registry is Docker Hub and a
/// single-component repository lives under <c>library/</c>.
/// </remarks>
public sealed partial record ImageReference
{
    /// <summary>Docker Hub's canonical name, as used in references and credentials.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The registry host with optional port, e.g. <c>localhost:5000</c> or <c>docker.io</c>.</summary>
    public required string Registry { get; init; }

    /// <summary>The repository path within the registry, e.g. <c>library/busybox</c>.</summary>
    public required string Repository { get; init; }

    /// <summary>The tag, or null when only a digest (or nothing) was given.</summary>
    public string? Tag { get; init; }

    /// <summary>The digest, when the reference pins one.</summary>
    public Digest? Digest { get; init; }

    /// <summary>The tag or digest to ask the registry for: the digest wins, then the tag, then <c>latest</c>.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary>The host the Distribution API is served from (Docker Hub's API lives elsewhere).</summary>
    public string ApiHost => ApiHostOf(Registry);

    /// <summary>The host the Distribution API of <paramref name="registry"/> is served from: Docker Hub's is <c>registry-1.docker.io</c>.</summary>
    public static string ApiHostOf(string registry) => registry == DockerHub ? "registry-1.docker.io" : registry;

    /// <summary>Parses a reference; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new InvalidInputException(error, new Remedy(RemedyKind.ChooseImageReference));

    /// <summary>Tries to parse a reference, returning a readable reason on failure.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text)) { error = "an image reference is empty"; return false; }

        var rest = text;
        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var d))
            {
                error = $"'{text}': '{rest[(at + 1)..]}' is not a valid digest (expected sha256:<64 hex characters>)";
                return false;
            }
            digest = d;
            rest = rest[..at];
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"'{text}': tag '{tag}' is invalid (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')";
                return false;
            }
        }

        string registry;
        string repository;
        var firstSlash = rest.IndexOf('/');
        var first = firstSlash < 0 ? rest : rest[..firstSlash];
        if (firstSlash >= 0 && IsRegistryHost(first))
        {
            registry = first;
            repository = rest[(firstSlash + 1)..];
        }
        else
        {
            registry = DockerHub;
            repository = firstSlash < 0 ? "library/" + rest : rest;
        }
        if (registry is "index.docker.io" or "registry-1.docker.io") registry = DockerHub;

        foreach (var component in repository.Split('/'))
        {
            if (!PathComponentPattern().IsMatch(component))
            {
                error = $"'{text}': repository component '{component}' is invalid (lower-case letters and digits, separated by '.', '_', '__' or '-')";
                return false;
            }
        }

        reference = new ImageReference { Registry = registry, Repository = repository, Tag = tag, Digest = digest };
        error = null;
        return true;
    }

    /// <summary>
    /// Whether the first path component of a reference names a registry host (it contains a dot or a port, is
    /// <c>localhost</c> or a bracketed IPv6 address) rather than a Docker Hub namespace.
    /// </summary>
    public static bool IsRegistryHost(string component) =>
        component.Contains('.') || component.Contains(':') || component == "localhost" || component.StartsWith('[');

    /// <summary>Whether <paramref name="component"/> is a valid repository path component: <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*</c>.</summary>
    public static bool IsRepositoryComponent(string component) => PathComponentPattern().IsMatch(component);

    /// <summary>This reference pinned to a digest, keeping the repository (the tag is dropped).</summary>
    public ImageReference WithDigest(Digest digest) => this with { Tag = null, Digest = digest };

    /// <summary>The canonical text form.</summary>
    public override string ToString()
    {
        var name = $"{Registry}/{Repository}";
        if (Tag is not null) name += ":" + Tag;
        if (Digest is { } d) name += "@" + d;
        return name;
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex PathComponentPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
