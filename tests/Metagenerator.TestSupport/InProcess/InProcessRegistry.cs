using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using Metagenerator.Oci;

namespace Metagenerator.TestSupport.InProcess;

/// <summary>How an <see cref="InProcessRegistry"/> asks for credentials.</summary>
public enum InProcessAuth
{
    /// <summary>Every request is served.</summary>
    None,

    /// <summary>A 401 with a <c>Basic</c> challenge until the request carries the right user and password.</summary>
    Basic,

    /// <summary>A 401 with a <c>Bearer</c> challenge naming the token endpoint <c>/token</c> of the same origin and the scope needed.</summary>
    Bearer,
}

/// <summary>
/// The OCI Distribution API served from memory, as an <see cref="HttpMessageHandler"/> given to the client as its transport:
/// blobs, uploads (monolithic, POST-with-digest, chunked PATCH then PUT, cross-repository mount), manifests by tag and
/// digest, tag lists and the catalog with <c>Link</c> paging, and Basic or Bearer challenges with a token endpoint.
/// For unit tests of the client's own logic only; interoperability is shown against the real docker-registry.
/// </summary>
/// <remarks>
/// Modelled on the behaviour of distribution and ggcr's <c>pkg/registry</c>: errors carry the spec's JSON body
/// (<c>{"errors":[{"code":…}]}</c>), uploads are checked against their digest, a manifest is refused while a blob it
/// names is missing. Any origin is served: the host of the request is not checked.
/// https://github.com/opencontainers/distribution-spec/blob/main/spec.md
/// </remarks>
public sealed partial class InProcessRegistry : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Repository> _repositories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private int _inFlightUploads;

    /// <summary>How credentials are asked for.</summary>
    public InProcessAuth Auth { get; init; }

    /// <summary>The user accepted by Basic auth and by the token endpoint.</summary>
    public string User { get; init; } = "alice";

    /// <summary>The password of <see cref="User"/>.</summary>
    public string Password { get; init; } = "in-process-Pa55";

    /// <summary>Lifetime of a bearer token, reported as <c>expires_in</c>.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest page of <c>tags/list</c> and <c>_catalog</c>, whatever <c>n</c> asks (distribution's default is 100).</summary>
    public int MaxPageSize { get; init; } = 100;

    /// <summary>When true, a monolithic PUT (or POST with a digest) carrying a body is refused with 413, as some registries do for large bodies.</summary>
    public bool RefuseMonolithicUploads { get; set; }

    /// <summary>
    /// Called with every request before it is served: a response returned here is sent instead (faults, odd registries);
    /// null serves the request. Called from the thread sending the request.
    /// </summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Intercept { get; set; }

    /// <summary>How long to hold a request before serving it (without blocking a thread), so that requests overlap as over a network; null for none.</summary>
    public Func<HttpRequestMessage, TimeSpan>? Delay { get; set; }

    /// <summary>One line per request received: <c>METHOD /path</c> (no query), in arrival order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>One line per token request: the scopes asked for, space separated.</summary>
    public ConcurrentQueue<string> TokenRequests { get; } = new();

    /// <summary>The most upload sessions that were open at the same time.</summary>
    public int MaxConcurrentUploads { get; private set; }

    /// <summary>Forgets every issued token, as an expiry would: the next request with one gets a fresh challenge.</summary>
    public void RevokeTokens() => _tokens.Clear();

    /// <summary>The blob's bytes when the registry holds it (in any repository).</summary>
    public byte[]? Blob(Digest digest)
    {
        lock (_lock) return _blobs.GetValueOrDefault(digest.ToString());
    }

    /// <summary>True when <paramref name="repository"/> holds the blob.</summary>
    public bool HasBlob(string repository, Digest digest)
    {
        lock (_lock) return _repositories.TryGetValue(repository, out var repo) && repo.Blobs.Contains(digest.ToString());
    }

    /// <summary>The manifest <paramref name="reference"/> (tag or digest) of <paramref name="repository"/>: its bytes and media type.</summary>
    public (byte[] Bytes, string MediaType, Digest Digest)? Manifest(string repository, string reference)
    {
        lock (_lock)
        {
            if (!_repositories.TryGetValue(repository, out var repo)) return null;
            var key = repo.Tags.GetValueOrDefault(reference, reference);
            return repo.Manifests.TryGetValue(key, out var m) ? (m.Bytes, m.MediaType, Digest.Parse(key)) : null;
        }
    }

    /// <summary>The tags of <paramref name="repository"/>, sorted.</summary>
    public IReadOnlyList<string> Tags(string repository)
    {
        lock (_lock) return _repositories.TryGetValue(repository, out var repo) ? [.. repo.Tags.Keys.Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>Stores a blob in <paramref name="repository"/> directly (test setup).</summary>
    public Digest PutBlob(string repository, byte[] content)
    {
        var digest = Digest.Sha256(content);
        lock (_lock)
        {
            _blobs[digest.ToString()] = content;
            Repo(repository).Blobs.Add(digest.ToString());
        }
        return digest;
    }

    /// <summary>Stores a manifest in <paramref name="repository"/> under its digest and, when given, <paramref name="tag"/> (test setup; blobs are not checked).</summary>
    public Digest PutManifest(string repository, byte[] manifest, string mediaType, string? tag = null)
    {
        var digest = Digest.Sha256(manifest);
        lock (_lock)
        {
            var repo = Repo(repository);
            repo.Manifests[digest.ToString()] = new StoredManifest(manifest, mediaType);
            if (tag is not null) repo.Tags[tag] = digest.ToString();
        }
        return digest;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var uri = request.RequestUri!;
        _requests.Enqueue($"{request.Method} {uri.AbsolutePath}");
        if (Intercept?.Invoke(request) is { } injected)
        {
            injected.RequestMessage = request;
            return injected;
        }
        if (Delay?.Invoke(request) is { } delay && delay > TimeSpan.Zero) await Task.Delay(delay, ct).ConfigureAwait(false);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var response = Serve(request, uri, body);
        response.RequestMessage = request;
        return response;
    }

    private HttpResponseMessage Serve(HttpRequestMessage request, Uri uri, byte[] body)
    {
        var path = uri.AbsolutePath;
        var query = HttpUtility.ParseQueryString(uri.Query);
        if (path == "/token") return IssueToken(request, query, body);
        if (!path.StartsWith("/v2/", StringComparison.Ordinal)) return Error(HttpStatusCode.NotFound, "NOT_FOUND", "not a Distribution API path");

        if (path == "/v2/")
            return Authorize(request, "") ?? new HttpResponseMessage(HttpStatusCode.OK) { Content = Json("{}") };
        if (path == "/v2/_catalog")
            return Authorize(request, "registry:catalog:*") ?? Catalog(uri, query);

        var match = ApiPath().Match(path);
        if (!match.Success) return Error(HttpStatusCode.NotFound, "NAME_INVALID", "unknown path");
        var name = match.Groups["name"].Value;
        var rest = match.Groups["rest"].Value;
        var reading = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var scope = $"repository:{name}:{(reading ? "pull" : "pull,push")}";
        if (request.Method == HttpMethod.Post && query["mount"] is not null && query["from"] is { } from)
            scope += $" repository:{from}:pull";
        if (Authorize(request, scope) is { } challenge) return challenge;

        lock (_lock)
        {
            if (rest == "tags/list") return TagList(uri, name, query);
            if (rest.StartsWith("manifests/", StringComparison.Ordinal)) return ManifestRequest(request, name, rest["manifests/".Length..], body);
            if (rest == "blobs/uploads/" || rest == "blobs/uploads") return StartUpload(request, name, query, body);
            if (rest.StartsWith("blobs/uploads/", StringComparison.Ordinal)) return ContinueUpload(request, name, rest["blobs/uploads/".Length..], query, body);
            if (rest.StartsWith("blobs/", StringComparison.Ordinal)) return BlobRequest(request, name, rest["blobs/".Length..]);
        }
        return Error(HttpStatusCode.NotFound, "NOT_FOUND", "unknown path");
    }

    [GeneratedRegex("^/v2/(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)/(?<rest>tags/list|manifests/.+|blobs/.+)$")]
    private static partial Regex ApiPath();

    private Repository Repo(string name)
    {
        if (!_repositories.TryGetValue(name, out var repo)) _repositories[name] = repo = new Repository();
        return repo;
    }

    private HttpResponseMessage BlobRequest(HttpRequestMessage request, string name, string reference)
    {
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
            return Error(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED", "blobs are read with GET or HEAD");
        if (!Digest.TryParse(reference, out var digest)) return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", "not a digest");
        if (!_repositories.TryGetValue(name, out var repo) || !repo.Blobs.Contains(digest.ToString()))
            return Error(HttpStatusCode.NotFound, "BLOB_UNKNOWN", "blob unknown to registry", head: request.Method == HttpMethod.Head);
        var bytes = _blobs[digest.ToString()];
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = request.Method == HttpMethod.Head ? new ByteArrayContent([]) : new ByteArrayContent(bytes),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        response.Content.Headers.ContentLength = bytes.Length;
        response.Headers.Add("Docker-Content-Digest", digest.ToString());
        return response;
    }

    private HttpResponseMessage StartUpload(HttpRequestMessage request, string name, System.Collections.Specialized.NameValueCollection query, byte[] body)
    {
        if (request.Method != HttpMethod.Post) return Error(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED", "uploads start with POST");
        if (query["mount"] is { } mount && query["from"] is { } from)
        {
            if (_repositories.TryGetValue(from, out var source) && source.Blobs.Contains(mount))
            {
                Repo(name).Blobs.Add(mount);
                return Created(name, Digest.Parse(mount));
            }
        }
        else if (query["digest"] is { } postDigest)
        {
            if (RefuseMonolithicUploads && body.Length > 0) return Error(HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID", "monolithic uploads are refused here");
            return Complete(name, body, postDigest);
        }
        var id = Guid.NewGuid().ToString("N");
        _uploads[id] = new Upload(name);
        MaxConcurrentUploads = Math.Max(MaxConcurrentUploads, ++_inFlightUploads);
        var response = new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new ByteArrayContent([]) };
        response.Headers.Location = new Uri($"/v2/{name}/blobs/uploads/{id}?_state=s{id}", UriKind.Relative);
        response.Headers.Add("Docker-Upload-UUID", id);
        response.Headers.Add("Range", "0-0");
        return response;
    }

    private HttpResponseMessage ContinueUpload(HttpRequestMessage request, string name, string id, System.Collections.Specialized.NameValueCollection query, byte[] body)
    {
        if (!_uploads.TryGetValue(id, out var upload) || upload.Repository != name)
            return Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
        if (request.Method == HttpMethod.Delete)
        {
            EndUpload(id);
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
        if (request.Method == HttpMethod.Patch)
        {
            if (request.Content?.Headers.TryGetValues("Content-Range", out var ranges) == true
                && ContentRange().Match(ranges.First()) is { Success: true } range
                && long.Parse(range.Groups[1].Value) != upload.Data.Length)
                return Error(HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID", "chunk out of order");
            upload.Data.Write(body);
            upload.Chunks++;
            var accepted = new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new ByteArrayContent([]) };
            accepted.Headers.Location = new Uri($"/v2/{name}/blobs/uploads/{id}?_state=s{id}-{upload.Data.Length}", UriKind.Relative);
            accepted.Headers.Add("Docker-Upload-UUID", id);
            accepted.Headers.Add("Range", $"0-{Math.Max(0, upload.Data.Length - 1)}");
            return accepted;
        }
        if (request.Method == HttpMethod.Put)
        {
            if (query["digest"] is not { } digest) return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", "the closing PUT names no digest");
            if (RefuseMonolithicUploads && upload.Chunks == 0 && body.Length > 0)
                return Error(HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID", "monolithic uploads are refused here");
            upload.Data.Write(body);
            EndUpload(id);
            return Complete(name, upload.Data.ToArray(), digest);
        }
        if (request.Method == HttpMethod.Get)
        {
            var status = new HttpResponseMessage(HttpStatusCode.NoContent);
            status.Headers.Add("Range", $"0-{Math.Max(0, upload.Data.Length - 1)}");
            return status;
        }
        return Error(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED", "not an upload method");
    }

    [GeneratedRegex(@"^(\d+)-(\d+)$")]
    private static partial Regex ContentRange();

    private void EndUpload(string id)
    {
        if (_uploads.Remove(id)) _inFlightUploads--;
    }

    private HttpResponseMessage Complete(string name, byte[] content, string claimed)
    {
        var actual = Digest.Sha256(content);
        if (!Digest.TryParse(claimed, out var digest) || digest != actual)
            return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", $"provided digest {claimed} did not match uploaded content {actual}");
        _blobs[actual.ToString()] = content;
        Repo(name).Blobs.Add(actual.ToString());
        return Created(name, actual);
    }

    private static HttpResponseMessage Created(string name, Digest digest)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
        response.Headers.Location = new Uri($"/v2/{name}/blobs/{digest}", UriKind.Relative);
        response.Headers.Add("Docker-Content-Digest", digest.ToString());
        return response;
    }

    private HttpResponseMessage ManifestRequest(HttpRequestMessage request, string name, string reference, byte[] body)
    {
        if (request.Method == HttpMethod.Put) return PutManifestRequest(request, name, reference, body);
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
            return Error(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED", "manifests are read with GET or HEAD and written with PUT");
        if (!_repositories.TryGetValue(name, out var repo)) return Error(HttpStatusCode.NotFound, "NAME_UNKNOWN", "repository name not known to registry", head: request.Method == HttpMethod.Head);
        var key = repo.Tags.GetValueOrDefault(reference, reference);
        if (!repo.Manifests.TryGetValue(key, out var manifest))
            return Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", "manifest unknown", head: request.Method == HttpMethod.Head);
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(request.Method == HttpMethod.Head ? [] : manifest.Bytes),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
        response.Content.Headers.ContentLength = manifest.Bytes.Length;
        response.Headers.Add("Docker-Content-Digest", key);
        return response;
    }

    private HttpResponseMessage PutManifestRequest(HttpRequestMessage request, string name, string reference, byte[] body)
    {
        var mediaType = request.Content?.Headers.ContentType?.MediaType;
        if (mediaType is null) return Error(HttpStatusCode.BadRequest, "MANIFEST_INVALID", "no Content-Type");
        var digest = Digest.Sha256(body);
        if (Digest.TryParse(reference, out var named) && named != digest)
            return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", "the manifest does not match the digest it was put under");
        var repo = Repo(name);
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var missing in MissingReferences(json.RootElement, repo))
                return Error(HttpStatusCode.BadRequest, missing.Code, $"{missing.Digest} is not in {name}");
        }
        catch (JsonException e)
        {
            return Error(HttpStatusCode.BadRequest, "MANIFEST_INVALID", e.Message);
        }
        repo.Manifests[digest.ToString()] = new StoredManifest(body, mediaType);
        if (!Digest.TryParse(reference, out _)) repo.Tags[reference] = digest.ToString();
        var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
        response.Headers.Location = new Uri($"/v2/{name}/manifests/{digest}", UriKind.Relative);
        response.Headers.Add("Docker-Content-Digest", digest.ToString());
        return response;
    }

    private static IEnumerable<(string Code, string Digest)> MissingReferences(JsonElement root, Repository repo)
    {
        if (root.TryGetProperty("config", out var config) && config.TryGetProperty("digest", out var c) && !repo.Blobs.Contains(c.GetString() ?? ""))
            yield return ("MANIFEST_BLOB_UNKNOWN", c.GetString() ?? "");
        if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
            foreach (var layer in layers.EnumerateArray())
                if (layer.TryGetProperty("digest", out var d) && !repo.Blobs.Contains(d.GetString() ?? ""))
                    yield return ("MANIFEST_BLOB_UNKNOWN", d.GetString() ?? "");
        if (root.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array)
            foreach (var child in manifests.EnumerateArray())
                if (child.TryGetProperty("digest", out var d) && !repo.Manifests.ContainsKey(d.GetString() ?? ""))
                    yield return ("MANIFEST_UNKNOWN", d.GetString() ?? "");
    }

    private HttpResponseMessage TagList(Uri uri, string name, System.Collections.Specialized.NameValueCollection query)
    {
        if (!_repositories.TryGetValue(name, out var repo)) return Error(HttpStatusCode.NotFound, "NAME_UNKNOWN", "repository name not known to registry");
        var (page, next) = Page(repo.Tags.Keys, query);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = Json(Write(w => { w.WriteString("name", name); w.WriteStartArray("tags"); page.ForEach(w.WriteStringValue); w.WriteEndArray(); })) };
        if (next is not null) response.Headers.Add("Link", $"</v2/{name}/tags/list?n={next.Value.N}&last={Uri.EscapeDataString(next.Value.Last)}>; rel=\"next\"");
        return response;
    }

    private HttpResponseMessage Catalog(Uri uri, System.Collections.Specialized.NameValueCollection query)
    {
        List<string> names;
        lock (_lock) names = [.. _repositories.Where(r => r.Value.Manifests.Count > 0).Select(r => r.Key)];
        var (page, next) = Page(names, query);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = Json(Write(w => { w.WriteStartArray("repositories"); page.ForEach(w.WriteStringValue); w.WriteEndArray(); })) };
        if (next is not null) response.Headers.Add("Link", $"</v2/_catalog?n={next.Value.N}&last={Uri.EscapeDataString(next.Value.Last)}>; rel=\"next\"");
        return response;
    }

    private (List<string> Page, (int N, string Last)? Next) Page(IEnumerable<string> all, System.Collections.Specialized.NameValueCollection query)
    {
        var sorted = all.Order(StringComparer.Ordinal).ToList();
        var n = int.TryParse(query["n"], out var asked) && asked > 0 ? Math.Min(asked, MaxPageSize) : MaxPageSize;
        var after = query["last"] is { } last ? sorted.Where(s => string.CompareOrdinal(s, last) > 0).ToList() : sorted;
        var page = after.Take(n).ToList();
        return (page, after.Count > n ? (n, page[^1]) : null);
    }

    /// <summary>Null when the request may go on; otherwise the 401 challenge.</summary>
    private HttpResponseMessage? Authorize(HttpRequestMessage request, string scope)
    {
        var given = request.Headers.Authorization;
        switch (Auth)
        {
            case InProcessAuth.Basic:
                if (given is { Scheme: "Basic" } && given.Parameter == BasicValue(User, Password)) return null;
                return Challenge($"Basic realm=\"in-process registry\"");
            case InProcessAuth.Bearer:
                var needed = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (given is { Scheme: "Bearer", Parameter: { } token } && _tokens.TryGetValue(token, out var granted) && needed.All(s => Covers(granted, s)))
                    return null;
                var origin = request.RequestUri!.GetLeftPart(UriPartial.Authority);
                var scopePart = needed.Length == 0 ? "" : $",scope=\"{string.Join(' ', needed)}\"";
                return Challenge($"Bearer realm=\"{origin}/token\",service=\"in-process\"{scopePart}");
            default:
                return null;
        }
    }

    private static bool Covers(HashSet<string> granted, string needed)
    {
        // "repository:name:pull,push" needs each action; a grant is "repository:name:action".
        var colon = needed.LastIndexOf(':');
        var resource = needed[..colon];
        return needed[(colon + 1)..].Split(',').All(action => granted.Contains($"{resource}:{action}"));
    }

    private static HttpResponseMessage Challenge(string header)
    {
        var response = Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required");
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        return response;
    }

    private HttpResponseMessage IssueToken(HttpRequestMessage request, System.Collections.Specialized.NameValueCollection query, byte[] body)
    {
        string[] scopes;
        bool authenticated;
        if (request.Method == HttpMethod.Post)
        {
            // OAuth2 form: password grant (username/password) or refresh_token grant; docker's identity tokens are refresh tokens.
            var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body));
            scopes = (form["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            authenticated = form["grant_type"] switch
            {
                "password" => form["username"] == User && form["password"] == Password,
                "refresh_token" => form["refresh_token"] == RefreshToken,
                _ => false,
            };
        }
        else
        {
            scopes = (query.GetValues("scope") ?? []).SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
            authenticated = request.Headers.Authorization is { Scheme: "Basic" } basic && basic.Parameter == BasicValue(User, Password);
        }
        TokenRequests.Enqueue(string.Join(' ', scopes));
        if (!authenticated) return Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "bad credentials for the token endpoint");
        var grants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            var colon = scope.LastIndexOf(':');
            if (colon <= 0) continue;
            foreach (var action in scope[(colon + 1)..].Split(',')) grants.Add($"{scope[..colon]}:{action}");
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = grants;
        var key = request.Method == HttpMethod.Post ? "access_token" : "token";
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = Json(Write(w => { w.WriteString(key, token); w.WriteNumber("expires_in", (int)TokenLifetime.TotalSeconds); })),
        };
    }

    /// <summary>The OAuth2 refresh token (docker's identity token) the token endpoint accepts.</summary>
    public string RefreshToken { get; init; } = "in-process-identity-token";

    private static string BasicValue(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message, bool head = false)
    {
        var json = Write(w =>
        {
            w.WriteStartArray("errors");
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndArray();
        });
        return new HttpResponseMessage(status) { Content = head ? new ByteArrayContent([]) : Json(json) };
    }

    /// <summary>A JSON object whose members <paramref name="members"/> writes.</summary>
    private static string Write(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static ByteArrayContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class Repository
    {
        public HashSet<string> Blobs { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, StoredManifest> Manifests { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    }

    private sealed record StoredManifest(byte[] Bytes, string MediaType);

    private sealed class Upload(string repository)
    {
        public string Repository { get; } = repository;
        public MemoryStream Data { get; } = new();
        public int Chunks { get; set; }
    }
}
