using System.Net;
using System.Text;
using Metagenerator.Oci;
using Metagenerator.TestSupport.InProcess;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests.Unit;

/// <summary>ErrorFactory: what a refused request becomes (status, spec error codes, transient or not, the operation named), and listings paged by Link.</summary>
[Tier(Tier.Unit)]
public sealed class ErrorUnitTests
{
    private readonly InProcessSetup _setup = new();

    [Fact]
    public async Task A_missing_tag_names_the_manifest_and_the_registry_error()
    {
        using var client = _setup.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryImageSource(client).ReadImageAsync($"{InProcessSetup.Host}/base:nothing", Platform.LinuxAmd64));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Contains($"reading manifest nothing from {InProcessSetup.Host}/base: 404", e.Message);
        Assert.Equal("MANIFEST_UNKNOWN", Assert.Single(e.Errors).Code);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task A_body_that_is_not_the_spec_error_json_still_gives_the_status()
    {
        using var client = _setup.Client();
        _setup.Registry.Intercept = _ => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><body>502 Bad Gateway</body></html>", Encoding.UTF8, "text/html"),
        };

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(InProcessSetup.Host));

        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Empty(e.Errors);
        Assert.Contains(InProcessSetup.Host, e.Message);
    }

    [Fact]
    public async Task A_denied_push_is_an_auth_error_not_retried_that_carries_the_code()
    {
        using var client = _setup.Client(retry: 3);
        var image = await _setup.ImageAsync(client);
        _setup.Registry.Intercept = r => r.Method == HttpMethod.Post
            ? new HttpResponseMessage(HttpStatusCode.Forbidden)
            {
                Content = new StringContent("""{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}""", Encoding.UTF8, "application/json"),
            }
            : null;

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{InProcessSetup.Host}/denied:1"]));

        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains($"{InProcessSetup.Host}/denied: 403 DENIED", e.Message);
        Assert.Equal(new Remedy(RemedyKind.ProvideCredentials, InProcessSetup.Host), e.Remedy);
        Assert.False(e.IsTransient);
        Assert.Equal("DENIED", Assert.Single(e.Errors).Code);
        // Not transient: no session is asked for again (three blobs at most, each once; retries would make up to twelve).
        Assert.InRange(_setup.Count("POST", "/v2/denied/blobs/uploads"), 1, 3);
    }

    [Fact]
    public async Task The_catalog_and_tags_are_read_page_by_page_following_Link()
    {
        foreach (var repository in new[] { "models/a", "models/b", "models/c", "other" })
            InProcessImages.SeedBase(_setup.Registry, repository, "v1");
        foreach (var tag in new[] { "v2", "v3", "v4", "v5" })
            InProcessImages.SeedBase(_setup.Registry, "models/a", tag);
        using var client = _setup.Client();

        var repositories = await new RegistryListing(client, pageSize: 2).ListRepositoriesAsync(InProcessSetup.Host);
        var tags = await new RegistryListing(client, pageSize: 2).ListTagsAsync(InProcessSetup.Host, "models/a");

        Assert.Equal(["base", "models/a", "models/b", "models/c", "other"], repositories);
        Assert.Equal(["v1", "v2", "v3", "v4", "v5"], tags);
        Assert.Equal(3, _setup.Count("GET", "/v2/_catalog"));
        Assert.Equal(3, _setup.Count("GET", "/v2/models/a/tags/list"));
    }
}
