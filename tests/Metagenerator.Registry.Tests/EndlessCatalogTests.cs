using System.Net;
using System.Text;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>
/// A hostile catalog whose Link pages never end (issue 20, point 5): the listing stops at its bound with an error naming
/// the registry, instead of keeping every name. The hostile peer is an in-process listener on 127.0.0.1 (it is the
/// thing under attack's counterpart, not a stand-in for a registry); the client is the real registry client.
/// </summary>
[Tier(Tier.Unit)]
public sealed class EndlessCatalogTests
{
    // Far beyond any bound of the listing, and small enough that a listing without bounds ends in seconds (and fails the test).
    private const int ServedPages = 400;
    private const int NamesPerPage = 1000;

    [Fact]
    public async Task A_catalog_whose_pages_never_end_stops_at_a_bound_with_an_error_naming_the_registry()
    {
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var pagesServed = 0;
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception) { return; }
                var page = Interlocked.Increment(ref pagesServed);
                var names = Enumerable.Range(0, NamesPerPage).Select(i => $"\"models/p{page:D6}-{i:D4}-{new string('x', 150)}\"");
                var body = Encoding.UTF8.GetBytes($"{{\"repositories\":[{string.Join(',', names)}]}}");
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                if (page < ServedPages)
                    context.Response.Headers["Link"] = $"</v2/_catalog?n=100&last=p{page:D6}>; rel=\"next\"";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        var host = $"127.0.0.1:{port}";
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = new HashSet<string> { host } });

        var e = await Assert.ThrowsAsync<RegistryException>(() => new RegistryListing(client).ListRepositoriesAsync(host));

        Assert.Contains(host, e.Message);
        Assert.Contains("stopped", e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
        Assert.True(Volatile.Read(ref pagesServed) < ServedPages, $"{pagesServed} pages were read");
        listener.Stop();
        await serving;
    }
}
