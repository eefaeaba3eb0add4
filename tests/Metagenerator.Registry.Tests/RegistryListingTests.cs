using System.Net;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>Tag lists and the catalog, page by page, from a real docker-registry (which pages with Link headers and <c>n</c>/<c>last</c>).</summary>
[Tier(Tier.Registry)]
public sealed class RegistryListingTests(RegistryListingTests.FiveRepositories shared) : IClassFixture<RegistryListingTests.FiveRepositories>, IDisposable
{
    private const string User = "alice";
    private const string Password = "listing-Pa55";
    private readonly TempDirectory _dir = new("mg-listing");
    private readonly LocalRegistry _registry = shared.Registry;

    public void Dispose() => _dir.Dispose();

    /// <summary>One registry, read by every test of the class (none writes to it): five repositories and five tags, more than the page size of 2 used below.</summary>
    public sealed class FiveRepositories : IAsyncLifetime
    {
        public LocalRegistry Registry { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Registry = await LocalRegistry.StartAsync();
            var first = await TestImages.PushBaseAsync(Registry.Host, "models/a", "v1");
            // Registry-side copies.
            foreach (var repository in new[] { "models/b", "models/c", "models/d", "other" })
                await CopyAsync(first, $"{Registry.Host}/{repository}:v1");
            foreach (var tag in new[] { "v2", "v3", "v4", "v5" })
                await CopyAsync(first, $"{Registry.Host}/models/a:{tag}");
        }

        public async Task DisposeAsync() => await Registry.DisposeAsync();
    }

    private static async Task CopyAsync(string from, string to) =>
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{from}", $"docker://{to}"])).EnsureSuccess();

    private static RegistryClient Client(RecordedEvents log, string host, ICredentialProvider? credentials = null) => new(new RegistryOptions
    {
        InsecureRegistries = new HashSet<string> { host },
        Credentials = credentials ?? AnonymousCredentials.Instance,
    }, log);

    [NeedsToolsFact("skopeo", "docker-registry", "htpasswd")]
    public async Task A_catalog_larger_than_the_page_size_is_read_through_every_page()
    {
        var log = new RecordedEvents();
        using var client = Client(log, _registry.Host);

        var repositories = await new RegistryListing(client, pageSize: 2).ListRepositoriesAsync(_registry.Host);

        Assert.Equal(["models/a", "models/b", "models/c", "models/d", "other"], repositories);
        // 5 entries, 2 a page: three pages, each following the Link header the registry sent.
        Assert.Equal(3, log.Requests.Count(l => l.StartsWith($"GET {_registry.Host}/v2/_catalog", StringComparison.Ordinal)));
    }

    [NeedsToolsFact("skopeo", "docker-registry", "htpasswd")]
    public async Task Tags_are_listed_once_each_when_the_registry_ignores_n_and_last()
    {
        // docker-registry 2.8 sends every tag whatever n and last say, and no Link header: a full page (5 of 5) makes
        // the client ask for the entries after the last one, which brings nothing new and ends the list.
        var log = new RecordedEvents();
        using var client = Client(log, _registry.Host);

        var tags = await new RegistryListing(client, pageSize: 5).ListTagsAsync(_registry.Host, "models/a");

        Assert.Equal(["v1", "v2", "v3", "v4", "v5"], tags.Order(StringComparer.Ordinal));
        Assert.Equal(2, log.Requests.Count(l => l.Contains("/tags/list", StringComparison.Ordinal)));
    }

    [NeedsToolsFact("skopeo", "docker-registry", "htpasswd")]
    public async Task A_page_size_as_large_as_the_catalog_needs_no_second_page()
    {
        var log = new RecordedEvents();
        using var client = Client(log, _registry.Host);

        Assert.Equal(5, (await new RegistryListing(client, pageSize: 100).ListRepositoriesAsync(_registry.Host)).Count);
        Assert.Single(log.Requests, l => l.Contains("/v2/_catalog", StringComparison.Ordinal));
    }

    [NeedsToolsFact("skopeo", "docker-registry", "htpasswd")]
    public async Task A_registry_that_does_not_serve_its_catalog_is_named_in_the_error()
    {
        await using var proxy = FaultProxy.Start(_registry.Port);
        proxy.Inject(r => r.Path == "/v2/_catalog", new Fault.Respond(404, """{"errors":[{"code":"NOT_FOUND","message":"no catalog here"}]}"""), times: 10);
        using var client = Client(new RecordedEvents(), proxy.Host);

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryListing(client).ListRepositoriesAsync(proxy.Host));

        Assert.Equal(ErrorCategory.Registry, e.Category);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Contains($"registry {proxy.Host} ", e.Message);
        Assert.Contains("no catalog here", e.Message);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "htpasswd")]
    public async Task A_registry_that_refuses_its_catalog_to_anonymous_users_says_so_and_lists_with_credentials()
    {
        var htpasswd = await Htpasswd.WriteAsync(_dir.Combine("htpasswd"), new Dictionary<string, string> { [User] = Password });
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { HtpasswdPath = htpasswd });

        using (var anonymous = Client(new RecordedEvents(), registry.Host))
        {
            var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryListing(anonymous).ListRepositoriesAsync(registry.Host));
            Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
            Assert.Contains($"registry {registry.Host} ", e.Message);
        }

        var config = TestConfig.WriteAuth(_dir, registry.Host, User, Password);
        using var client = Client(new RecordedEvents(), registry.Host, TestConfig.Provider(config));
        Assert.Empty(await new RegistryListing(client).ListRepositoriesAsync(registry.Host));
    }

    [NeedsToolsFact("skopeo", "docker-registry", "htpasswd")]
    public async Task Token_auth_asks_for_the_catalog_scope()
    {
        var issuer = TokenIssuer.Start();
        await using var _ = issuer;
        issuer.Users[User] = Password;
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { TokenAuth = issuer.RegistryAuth });
        var config = TestConfig.WriteAuth(_dir, registry.Host, User, Password);
        using var client = Client(new RecordedEvents(), registry.Host, TestConfig.Provider(config));

        Assert.Empty(await new RegistryListing(client).ListRepositoriesAsync(registry.Host));
        Assert.Contains(issuer.Requests, r => r.Contains("registry:catalog:*", StringComparison.Ordinal));
    }

    [NeedsToolsTheory("skopeo", "docker-registry", "htpasswd")]
    [InlineData("</v2/_catalog?last=b&n=2>; rel=\"next\"", "/v2/_catalog?last=b&n=2")]
    [InlineData("<https://elsewhere.example/v2/_catalog?last=b&n=2>; rel=next", "/v2/_catalog?last=b&n=2")]
    [InlineData("<list?last=v2&n=2>; title=\"x\"; rel=\"next\"", "/v2/repo/tags/list?last=v2&n=2")]
    [InlineData("</v2/_catalog?n=2>; rel=\"prev\", </v2/_catalog?last=c&n=2>; rel=\"next\"", "/v2/_catalog?last=c&n=2")]
    [InlineData("</v2/_catalog?n=2>; rel=\"prev\"", null)]
    [InlineData(null, null)]
    public void The_next_page_is_the_link_marked_next_and_stays_on_this_registry(string? link, string? expected) =>
        Assert.Equal(expected, RegistryListing.NextFromLink(link, "/v2/repo/tags/list?n=2"));
}
