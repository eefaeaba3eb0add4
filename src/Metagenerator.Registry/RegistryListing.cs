using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Metagenerator.Registry.Http;

namespace Metagenerator.Registry;

/// <summary>Lists what a registry holds: the tags of a repository and the registry's catalog of repositories, page by page.</summary>
/// <remarks>
/// Each page is asked for with <c>n</c>. The next page is the one the <c>Link: &lt;…&gt;; rel="next"</c> header names; when a
/// registry sends a full page (exactly <c>n</c> entries) without a Link header, the next request asks for the entries after
/// <c>last=</c> the page's final one, until a page comes back short or brings nothing new (a registry that ignores <c>n</c>
/// and <c>last</c> sends everything each time). A Link to another host is followed on this registry only (credentials stay here).
/// A list is bounded by pages, entries and characters (<see cref="MaxPages"/>, <see cref="MaxEntries"/>, <see cref="MaxNameChars"/>):
/// a registry whose pages never end gets an error naming it, not all our memory.
/// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags and
/// https://distribution.github.io/distribution/spec/api/#listing-repositories
/// </remarks>
public sealed partial class RegistryListing
{
    /// <summary>Entries asked for per page unless the caller says otherwise (docker-registry's own default).</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The most pages one list may take: a registry whose Link pages never end is stopped here.</summary>
    public const int MaxPages = 10_000;

    /// <summary>The most entries one list may hold (names are kept to be shown, so an endless list is bounded by what it holds too).</summary>
    public const int MaxEntries = 100_000;

    /// <summary>The most characters of names one list may hold (16 Mi): long names reach it before <see cref="MaxEntries"/>.</summary>
    public const long MaxNameChars = 16L << 20;

    private readonly RegistryClient _client;

    /// <summary>Lists through <paramref name="client"/> (its credentials, TLS settings and retries), <paramref name="pageSize"/> entries a page.</summary>
    public RegistryListing(RegistryClient client, int pageSize = DefaultPageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        _client = client;
        PageSize = pageSize;
    }

    /// <summary>Entries asked for per page.</summary>
    public int PageSize { get; }

    /// <summary>Every tag of <paramref name="repository"/>, in the registry's order.</summary>
    public Task<IReadOnlyList<string>> ListTagsAsync(string registry, string repository, CancellationToken ct = default)
    {
        var ctx = _client.ApiContext("listing the tags", "of", registry, repository, RegistryRequestContext.Pull(repository));
        return ListAsync(ctx, $"/v2/{repository}/tags/list", "tags", ct);
    }

    /// <summary>Whether <paramref name="repository"/> has any tag, from one request for one tag: false when the registry does not know the repository.</summary>
    /// <exception cref="RegistryException">The registry refused the request or sent something that is not a tag list.</exception>
    public async Task<bool> HasTagsAsync(string registry, string repository, CancellationToken ct = default)
    {
        var ctx = _client.ApiContext("listing the tags", "of", registry, repository, RegistryRequestContext.Pull(repository));
        try
        {
            var (body, _) = await _client.GetApiDocumentAsync(ctx, $"/v2/{repository}/tags/list?n=1", ct).ConfigureAwait(false);
            return ParseEntries(body, "tags", ctx).Count > 0;
        }
        catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Every repository in the registry's catalog (<c>GET /v2/_catalog</c>), in the registry's order.</summary>
    /// <exception cref="RegistryException">The registry refuses or does not serve its catalog; the message names the registry and says so.</exception>
    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(string registry, CancellationToken ct = default)
    {
        var ctx = _client.ApiContext("listing the repositories", "of", registry, null, ["registry:catalog:*"]);
        try
        {
            return await ListAsync(ctx, "/v2/_catalog", "repositories", ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                                              or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
        {
            var refusal = e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? $"refuses its catalog to these credentials ({(int)e.StatusCode!})"
                : $"does not serve a catalog ({(int)e.StatusCode!})";
            throw new RegistryException(
                $"registry {registry} {refusal}, so its repositories cannot be listed; listing needs GET /v2/_catalog " +
                $"(some registries allow it only to administrators or not at all). The registry said: {e.Message}",
                ctx.Operation, registry, null, e.StatusCode, e.Errors, innerException: e, remedy: e.Remedy);
        }
    }

    private async Task<IReadOnlyList<string>> ListAsync(RegistryRequestContext ctx, string path, string property, CancellationToken ct)
    {
        var all = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var requested = new HashSet<string>(StringComparer.Ordinal);
        long chars = 0;
        var page = $"{path}?n={PageSize}";
        for (var pages = 0; requested.Add(page); pages++)
        {
            if (pages == MaxPages) throw TooLong(ctx, $"{MaxPages} pages");
            var (body, link) = await _client.GetApiDocumentAsync(ctx, page, ct).ConfigureAwait(false);
            var entries = ParseEntries(body, property, ctx);
            var added = 0;
            foreach (var entry in entries)
                if (listed.Add(entry))
                {
                    all.Add(entry);
                    added++;
                    chars += entry.Length;
                    if (all.Count > MaxEntries) throw TooLong(ctx, $"{MaxEntries} entries");
                    if (chars > MaxNameChars) throw TooLong(ctx, $"{MaxNameChars >> 20} Mi characters of names");
                }
            // A page with nothing new ends the list: some registries (docker-registry 2.8's tag list) ignore n and last.
            if (added == 0) break;
            if (NextFromLink(link, page) is { } next) page = next;
            else if (entries.Count == PageSize) page = $"{path}?n={PageSize}&last={Uri.EscapeDataString(entries[^1])}";
            else break;
        }
        return all;
    }

    private static RegistryException TooLong(RegistryRequestContext ctx, string bound) =>
        new($"{ctx.Describe()}: the list goes on past {bound} (each page names a next one); stopped there rather than hold it all. " +
            "A registry this large cannot be listed by metagenerator; ask its operator whether its pagination (Link headers) is broken",
            ctx.Operation, ctx.Registry, ctx.Repository);

    /// <summary>The entries of one page: the string array <paramref name="property"/> (null or absent: none).</summary>
    private static List<string> ParseEntries(byte[] body, string property, RegistryRequestContext ctx)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("the answer is not a JSON object");
            if (!doc.RootElement.TryGetProperty(property, out var array) || array.ValueKind == JsonValueKind.Null) return [];
            if (array.ValueKind != JsonValueKind.Array) throw new JsonException($"\"{property}\" is not an array");
            var entries = new List<string>(array.GetArrayLength());
            foreach (var item in array.EnumerateArray())
                entries.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new JsonException($"\"{property}\" holds a {item.ValueKind}, not a string"));
            return entries;
        }
        catch (JsonException e)
        {
            throw ErrorFactory.Failed(ctx, $"the registry sent an invalid list ({e.Message})", innerException: e);
        }
    }

    /// <summary>The path and query of the <c>rel="next"</c> target of a Link header, relative to <paramref name="current"/>; null when there is none.</summary>
    internal static string? NextFromLink(string? link, string current)
    {
        if (string.IsNullOrEmpty(link)) return null;
        foreach (Match match in NextLink().Matches(link))
        {
            var target = match.Groups["target"].Value;
            var resolved = new Uri(new Uri(new Uri("http://registry.invalid"), current), target);
            return resolved.PathAndQuery;
        }
        return null;
    }

    [GeneratedRegex("""<(?<target>[^>]*)>\s*(?:;[^,;]*)*;\s*rel\s*=\s*"?next"?""", RegexOptions.IgnoreCase)]
    private static partial Regex NextLink();
}
