using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>
/// Credentials belong to the origin (scheme, host, port) they were configured for and to the token realm that origin
/// names: never to an upload session or a download redirected elsewhere, never over plain HTTP unless the user allowed it.
/// </summary>
[Tier(Tier.Registry)]
public sealed class RegistryCredentialOriginTests : IDisposable
{
    private const string User = "builder";
    private const string Password = "origin-Pa55word";
    private readonly TempDirectory _dir = new("mg-origin");

    public void Dispose() => _dir.Dispose();

    [NeedsToolsFact("docker-registry", "openssl", "htpasswd", "skopeo")]
    public async Task An_upload_session_on_another_origin_gets_no_credentials()
    {
        var htpasswd = await Htpasswd.WriteAsync(_dir.Combine("htpasswd"), new Dictionary<string, string> { [User] = Password });
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { HtpasswdPath = htpasswd });
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        await using var front = FaultProxy.Start(registry.Port);
        await using var elsewhere = FaultProxy.Start(registry.Port);
        var config = TestConfig.WriteAuth(_dir, front.Host, User, Password);
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { front.Host },
            Credentials = new DockerConfigCredentials(config),
        });
        var image = TestImage.WithRandomLayer(await new RegistryImageSource(client).ReadImageAsync($"{front.Host}/base:1", Platform.LinuxAmd64));
        // The registry's answer to "start an upload" names another origin for the session, which asks for a password
        // (after reading the whole body, so the answer is not lost to a connection closed mid-upload).
        front.Inject(r => r.Method == "POST" && r.Path.EndsWith("/blobs/uploads/"), new Fault.RewriteLocation(elsewhere.Host), times: 100);
        elsewhere.Inject(_ => true, new Fault.Respond(401, "", new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"elsewhere\"" }), times: 100);

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => new RegistryImageSink(client).WriteImageAsync(image, [$"{front.Host}/moved:1"]));

        Assert.NotEmpty(elsewhere.Requests);
        Assert.All(elsewhere.Requests, r => Assert.Null(r.AuthorizationScheme));
        Assert.Equal(RegistryAuthFailure.ForeignOrigin, e.Failure);
        Assert.Contains(front.Host, e.Message);
        Assert.Contains(elsewhere.Host, e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
        Assert.DoesNotContain(Password, TestConfig.AllMessages(e));
    }

    [NeedsToolsFact("docker-registry", "openssl", "htpasswd", "skopeo")]
    public async Task A_download_redirected_to_another_origin_that_challenges_gets_no_credentials()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await TestImages.PushBaseAsync(registry.Host);
        await using var front = FaultProxy.Start(registry.Port);
        await using var storage = FaultProxy.Start(registry.Port);
        await using var foreignRealm = TokenIssuer.Start();
        foreignRealm.Users[User] = Password;
        var config = TestConfig.WriteAuth(_dir, front.Host, User, Password);
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { front.Host },
            Credentials = new DockerConfigCredentials(config),
        });
        var image = await new RegistryImageSource(client).ReadImageAsync($"{front.Host}/base:1", Platform.LinuxAmd64);
        front.Inject(r => r.Method == "GET" && r.Path.Contains("/blobs/"),
            new Fault.Respond(307, "", new Dictionary<string, string> { ["Location"] = $"http://{storage.Host}/blob-storage/layer" }), times: 10);
        storage.Inject(_ => true, new Fault.Respond(401, "", new Dictionary<string, string>
        {
            ["WWW-Authenticate"] = $"Bearer realm=\"{foreignRealm.Realm}\",service=\"{foreignRealm.Service}\"",
        }), times: 10);

        var e = await Assert.ThrowsAsync<RegistryAuthException>(async () =>
        {
            await using var blob = await image.Layers[0].OpenCompressedAsync();
            await blob.CopyToAsync(Stream.Null);
        });

        Assert.Empty(foreignRealm.Requests);
        Assert.NotEmpty(storage.Requests);
        Assert.All(storage.Requests, r => Assert.Null(r.AuthorizationScheme));
        Assert.Equal(RegistryAuthFailure.ForeignOrigin, e.Failure);
        Assert.Contains(front.Host, e.Message);
        Assert.Contains(storage.Host, e.Message);
        Assert.Equal(ErrorCategory.Registry, e.Category);
    }

    [NeedsToolsFact("docker-registry", "openssl", "htpasswd", "skopeo")]
    public async Task An_https_registry_whose_token_realm_is_plain_http_gets_no_password_unless_that_host_is_insecure()
    {
        var certs = await TestCertificates.CreateAsync(_dir.Combine("certs"));
        await using var issuer = TokenIssuer.Start();
        issuer.Users[User] = Password;
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { Tls = certs, TokenAuth = issuer.RegistryAuth });
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(CertDirectory: certs.SkopeoCertDirectory, Username: User, Password: Password));
        var config = TestConfig.WriteAuth(_dir, registry.Host, User, Password);
        var options = new RegistryOptions
        {
            RegistryCertificates = new Dictionary<string, string> { [registry.Host] = certs.CaCertificatePath },
            Credentials = new DockerConfigCredentials(config),
        };
        var realmHost = new Uri(issuer.Realm).Authority;
        var before = issuer.Requests.Count;

        using (var client = new RegistryClient(options))
        {
            var e = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(registry.Host, "base").GetAsync("1"));

            Assert.Equal(before, issuer.Requests.Count);
            Assert.Contains(issuer.Realm, e.Message);
            Assert.Equal(ErrorCategory.Registry, e.Category);
            Assert.Equal(new Remedy(RemedyKind.AllowPlainHttp, realmHost), e.Remedy);
        }

        using (var allowed = new RegistryClient(options with { InsecureRegistries = new HashSet<string> { realmHost } }))
        {
            var manifest = await allowed.Repository(registry.Host, "base").GetAsync("1");
            Assert.NotEmpty(manifest.Bytes);
            Assert.True(issuer.Requests.Count > before);
        }
    }
}
