using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>
/// Redirects, against a real docker-registry behind fault proxies: a token server's redirect to another origin never
/// gets the identity token (issue 20, point 1); a blob upload answered 307 by a storage front-end on another port is
/// sent again there, method and body kept, and the tag then holds a consistent image (point 13).
/// </summary>
[Tier(Tier.Registry)]
public sealed class RedirectedRequestTests : IDisposable
{
    private const string User = "builder";
    private const string Password = "redirect-Pa55word";
    private const string RefreshToken = "refresh-never-elsewhere-4711";
    private readonly TempDirectory _dir = new("mg-redirect");

    public void Dispose() => _dir.Dispose();

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_token_server_redirecting_the_identity_token_to_another_origin_gets_an_error_naming_both_hosts()
    {
        await using var issuer = TokenIssuer.Start();
        issuer.Users[User] = Password;
        issuer.RefreshTokens[RefreshToken] = User;
        await using var tokenServer = FaultProxy.Start(issuer.Port);
        await using var elsewhere = FaultProxy.Start(issuer.Port);
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions
        {
            TokenAuth = issuer.RegistryAuth with { Realm = $"http://{tokenServer.Host}/token" },
        });
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        // The token server sends the OAuth2 POST (grant_type=refresh_token) on to another origin, keeping the body.
        tokenServer.Inject(r => r.Method == "POST", new Fault.Redirect(307, elsewhere.Host), times: 100);
        var config = TestConfig.Write(_dir, "{\"auths\":{\"" + registry.Host + "\":{\"identitytoken\":\"" + RefreshToken + "\"}}}");
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host },
            Credentials = TestConfig.Provider(config),
        });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(registry.Host, "base").GetAsync("1"));

        Assert.Contains(tokenServer.Requests, r => r.Method == "POST");
        Assert.Empty(elsewhere.Requests);
        Assert.DoesNotContain(issuer.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
        Assert.Contains(tokenServer.Host, e.Message);
        Assert.Contains(elsewhere.Host, e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
        Assert.DoesNotContain(RefreshToken, TestConfig.AllMessages(e));
    }

    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_token_server_redirecting_a_password_token_request_to_another_origin_gets_an_error_naming_both_hosts()
    {
        await using var issuer = TokenIssuer.Start();
        issuer.Users[User] = Password;
        await using var tokenServer = FaultProxy.Start(issuer.Port);
        await using var elsewhere = FaultProxy.Start(issuer.Port);
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions
        {
            TokenAuth = issuer.RegistryAuth with { Realm = $"http://{tokenServer.Host}/token" },
        });
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        tokenServer.Inject(r => r.Method == "GET", new Fault.Redirect(308, elsewhere.Host), times: 100);
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host },
            Credentials = TestConfig.Provider(TestConfig.WriteAuth(_dir, registry.Host, User, Password)),
        });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(registry.Host, "base").GetAsync("1"));

        Assert.Contains(tokenServer.Requests, r => r.AuthorizationScheme == "Basic");
        Assert.Empty(elsewhere.Requests);
        Assert.Contains(tokenServer.Host, e.Message);
        Assert.Contains(elsewhere.Host, e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
        Assert.DoesNotContain(Password, TestConfig.AllMessages(e));
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task An_upload_redirected_to_a_storage_front_end_that_asks_for_a_password_gets_none()
    {
        var htpasswd = await Htpasswd.WriteAsync(_dir.Combine("htpasswd"), new Dictionary<string, string> { [User] = Password });
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { HtpasswdPath = htpasswd });
        var baseRef = await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        await using var front = FaultProxy.Start(registry.Port);
        await using var storage = FaultProxy.Start(registry.Port);
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host, front.Host, storage.Host },
            Credentials = TestConfig.Provider(TestConfig.WriteAuth(_dir, front.Host, User, Password)),
        });
        var image = TestImage.WithRandomLayer(await new RegistryImageSource(client).ReadImageAsync(baseRef.Replace(registry.Host, front.Host), Platform.LinuxAmd64));
        front.Inject(r => r.Method == "PUT" && r.IsBlobUpload, new Fault.Redirect(307, storage.Host), times: 100);
        // The storage front-end asks for a password itself, after reading the body (the registry behind a plain proxy may
        // close the connection while the body is still being sent, which would make the outcome a race).
        storage.Inject(r => r.Method == "PUT" && r.IsBlobUpload, new Fault.Respond(401,
            """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""",
            new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"storage\"" }), times: 100);

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{front.Host}/redirected/gen:1"]));

        Assert.Contains(front.Requests, r => r.Method == "PUT" && r.IsBlobUpload && r.AuthorizationScheme == "Basic");
        Assert.Contains(storage.Requests, r => r.Method == "PUT" && r.IsBlobUpload);
        Assert.All(storage.Requests, r => Assert.Null(r.AuthorizationScheme));
        Assert.Equal(RegistryAuthFailure.ForeignOrigin, e.Failure);
        Assert.Contains(front.Host, e.Message);
        Assert.Contains(storage.Host, e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
    }

    [NeedsToolsFact("docker-registry", "skopeo", "umoci")]
    public async Task A_blob_put_answered_307_by_a_storage_front_end_is_sent_again_there_and_the_tag_holds_a_consistent_image()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host);
        await using var front = FaultProxy.Start(registry.Port);
        await using var storage = FaultProxy.Start(registry.Port);
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = new HashSet<string> { registry.Host, front.Host, storage.Host } });
        var image = TestImage.WithRandomLayer(await new RegistryImageSource(client).ReadImageAsync(baseRef, Platform.LinuxAmd64), 512 * 1024);
        // Every blob-carrying PUT to the registry's front is redirected, body and all, to the storage front-end on another port.
        front.Inject(r => r.Method == "PUT" && r.IsBlobUpload, new Fault.Redirect(307, storage.Host), times: 100);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{front.Host}/redirected/gen:1"]);

        // The base layer (read through another host name, so streamed across), the new layer and the config: each sent to the front, then again to the storage.
        Assert.Equal(3, front.Requests.Count(r => r.Method == "PUT" && r.IsBlobUpload));
        Assert.Equal(3, storage.Requests.Count(r => r.Method == "PUT" && r.IsBlobUpload));
        await AssertConsistentAsync(registry.Host, "redirected/gen:1", image);
    }

    [NeedsToolsFact("docker-registry", "skopeo", "umoci")]
    public async Task A_chunk_patch_answered_308_is_sent_again_there_from_its_offset()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host);
        await using var front = FaultProxy.Start(registry.Port);
        await using var storage = FaultProxy.Start(registry.Port);
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = new HashSet<string> { registry.Host, front.Host, storage.Host } });
        var image = TestImage.WithRandomLayer(await new RegistryImageSource(client).ReadImageAsync(baseRef, Platform.LinuxAmd64), 512 * 1024);
        // A single PUT is refused, so the blobs go in chunks; each chunk's PATCH is redirected once.
        front.Inject(r => r.Method == "PUT" && r.IsBlobUpload, new Fault.Respond(413), times: 100);
        front.Inject(r => r.Method == "PATCH" && r.IsBlobUpload, new Fault.Redirect(308, storage.Host), times: 100);

        await new RegistryImageSink(client).WriteImageAsync(image, [$"{front.Host}/chunked/gen:1"]);

        Assert.Contains(storage.Requests, r => r.Method == "PATCH" && r.IsBlobUpload);
        await AssertConsistentAsync(registry.Host, "chunked/gen:1", image);
    }

    /// <summary>skopeo reads the tag's manifest and copies every blob (digests checked); umoci unpacks it (diffIDs checked).</summary>
    private async Task AssertConsistentAsync(string host, string reference, IImage image)
    {
        var inspect = (await TestImages.InspectAsync($"{host}/{reference}")).EnsureSuccess();
        Assert.Contains(image.Digest.ToString(), inspect.StdOut);
        var layout = _dir.Combine("layout-" + Guid.NewGuid().ToString("N"));
        (await ExternalTool.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", $"docker://{host}/{reference}", $"oci:{layout}:x"])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["unpack", "--rootless", "--image", $"{layout}:x", _dir.Combine("bundle-" + Guid.NewGuid().ToString("N"))])).EnsureSuccess();
    }
}
