using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>htpasswd Basic auth, token auth through the test's issuer, and credential helpers, against a real registry.</summary>
[Tier(Tier.Registry)]
public sealed class RegistryAuthTests : IDisposable
{
    private const string User = "builder";
    private const string Password = "s3cret-Pa55word";
    private readonly TempDirectory _dir = new("mg-auth");

    public void Dispose() => _dir.Dispose();

    private async Task<LocalRegistry> StartHtpasswdRegistryAsync() =>
        await LocalRegistry.StartAsync(new LocalRegistryOptions
        {
            HtpasswdPath = await Htpasswd.WriteAsync(_dir.Combine("htpasswd"), new Dictionary<string, string> { [User] = Password }),
        });

    private readonly RecordedEvents _events = new();

    private RegistryOptions Options(string host, ICredentialProvider credentials, int retry = 0) => new()
    {
        InsecureRegistries = new HashSet<string> { host },
        Credentials = credentials,
        PushRetry = retry,
    };

    private static async Task<string> PushThroughAsync(RegistryClient client, string baseRef, string destination)
    {
        var baseImage = await new RegistryImageSource(client).ReadImageAsync(baseRef, Platform.LinuxAmd64);
        var image = TestImage.WithRandomLayer(baseImage);
        await new RegistryImageSink(client).WriteImageAsync(image, [destination]);
        return ((IImage)image).Digest.ToString();
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Htpasswd_basic_auth_with_the_right_password_pushes()
    {
        await using var registry = await StartHtpasswdRegistryAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        var config = TestConfig.WriteAuth(_dir, registry.Host, User, Password);
        using var client = new RegistryClient(Options(registry.Host, TestConfig.Provider(config)), _events);

        var digest = await PushThroughAsync(client, baseRef, $"{registry.Host}/gen:1");

        var inspect = (await TestImages.InspectAsync($"{registry.Host}/gen:1", new SkopeoAuth(Username: User, Password: Password))).EnsureSuccess();
        Assert.Contains(digest, inspect.StdOut);
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Htpasswd_with_a_wrong_password_fails_naming_the_config_file_and_never_the_password()
    {
        await using var registry = await StartHtpasswdRegistryAsync();
        var config = TestConfig.WriteAuth(_dir, registry.Host, User, "wrong-Passw0rd");
        using var client = new RegistryClient(Options(registry.Host, TestConfig.Provider(config), retry: 2), _events);

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => new RegistryImageSource(client).ReadImageAsync($"{registry.Host}/base:1", Platform.LinuxAmd64));

        Assert.Equal(RegistryAuthFailure.CredentialsRejected, e.Failure);
        Assert.Contains(config, e.Message);
        Assert.Contains(registry.Host, e.Message);
        Assert.Equal(config, e.CredentialSource);
        var all = TestConfig.AllMessages(e);
        Assert.DoesNotContain("wrong-Passw0rd", all);
        Assert.NotEmpty(_events.Requests);
        Assert.DoesNotContain(_events.Requests, l => l.Contains("wrong-Passw0rd") || l.Contains(TestConfig.B64(User + ":wrong-Passw0rd")));
        Assert.DoesNotContain(TestConfig.B64(User + ":wrong-Passw0rd"), all);
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Htpasswd_without_credentials_fails_saying_which_config_was_consulted()
    {
        await using var registry = await StartHtpasswdRegistryAsync();
        var config = TestConfig.WriteAuth(_dir, "other.example:5000", User, Password);
        using var client = new RegistryClient(Options(registry.Host, TestConfig.Provider(config)), _events);

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => client.PingAsync(registry.Host));

        Assert.Equal(RegistryAuthFailure.CredentialsMissing, e.Failure);
        Assert.Contains($"no credentials for {registry.Host} in {config}", e.Message);

        using var anonymous = new RegistryClient(Options(registry.Host, AnonymousCredentials.Instance), _events);
        var e2 = await Assert.ThrowsAsync<RegistryAuthException>(() => anonymous.PingAsync(registry.Host));
        Assert.Equal(RegistryAuthFailure.CredentialsMissing, e2.Failure);
        Assert.Equal(new Remedy(RemedyKind.ProvideCredentials, registry.Host), e2.Remedy);
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task A_credential_helper_on_PATH_supplies_the_password()
    {
        await using var registry = await StartHtpasswdRegistryAsync();
        var baseRef = await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        var bin = _dir.Combine("bin");
        Directory.CreateDirectory(bin);
        var helper = Path.Combine(bin, "docker-credential-mgtest");
        File.WriteAllText(helper, $$"""
            #!/bin/sh
            read server
            [ "$server" = "{{registry.Host}}" ] || { echo "credentials not found in native keychain"; exit 1; }
            printf '{"ServerURL":"%s","Username":"{{User}}","Secret":"{{Password}}"}' "$server"
            """);
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = TestConfig.Write(_dir, "{\"credHelpers\":{\"" + registry.Host + "\":\"mgtest\"}}");
        var provider = new DockerConfigCredentials(config, name => name == "PATH" ? bin + ":" + Environment.GetEnvironmentVariable("PATH") : Environment.GetEnvironmentVariable(name));
        using var client = new RegistryClient(Options(registry.Host, provider), _events);

        var digest = await PushThroughAsync(client, baseRef, $"{registry.Host}/helper:1");

        Assert.Contains(digest, (await TestImages.InspectAsync($"{registry.Host}/helper:1", new SkopeoAuth(Username: User, Password: Password))).EnsureSuccess().StdOut);
    }

    private async Task<(TokenIssuer Issuer, LocalRegistry Registry)> StartTokenRegistryAsync()
    {
        var issuer = TokenIssuer.Start();
        issuer.Users[User] = Password;
        var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { TokenAuth = issuer.RegistryAuth });
        return (issuer, registry);
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Token_auth_with_password_gets_scoped_tokens_mounts_and_caches_them()
    {
        var (issuer, registry) = await StartTokenRegistryAsync();
        await using var _ = issuer;
        await using var __ = registry;
        var baseRef = await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        var config = TestConfig.WriteAuth(_dir, registry.Host, User, Password);
        using var client = new RegistryClient(Options(registry.Host, TestConfig.Provider(config)), _events);

        var baseImage = await new RegistryImageSource(client).ReadImageAsync(baseRef, Platform.LinuxAmd64);
        var image = TestImage.WithRandomLayer(baseImage);
        var events = new List<TransferEvent>();
        await new RegistryImageSink(client).WriteImageAsync(image, [$"{registry.Host}/tokgen:2"], new TransferRecorder(events));

        Assert.Contains(events, e => e.Kind == TransferKind.Mounted);
        Assert.Contains(issuer.Requests, r => r.Contains("repository:base:pull") && r.Contains("repository:tokgen:pull,push"));
        // Three tokens: pull on base (read), pull+push on tokgen (HEADs, uploads, confirmations, manifest),
        // and pull+push on tokgen with pull on base (mount); everything else reuses a cached token that covers it.
        Assert.True(client.TokenRequestCount == 3, string.Join("\n", issuer.Requests) + "\n" + string.Join("\n", _events.Requests));
        Assert.Contains(_events.Requests, l => l.StartsWith("PUT ") && l.Contains("/v2/tokgen/manifests/2 -> 201"));
        foreach (var token in issuer.IssuedTokens)
            Assert.DoesNotContain(_events.Requests, l => l.Contains(token));
        Assert.DoesNotContain(_events.Requests, l => l.Contains(Password));
        Assert.Contains(((IImage)image).Digest.ToString(), (await TestImages.InspectAsync($"{registry.Host}/tokgen:2", new SkopeoAuth(Username: User, Password: Password))).EnsureSuccess().StdOut);
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Token_auth_with_an_identity_token_uses_the_oauth2_post()
    {
        var (issuer, registry) = await StartTokenRegistryAsync();
        await using var _ = issuer;
        await using var __ = registry;
        issuer.RefreshTokens["refresh-abc-123"] = User;
        var baseRef = await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        var config = TestConfig.Write(_dir, "{\"auths\":{\"" + registry.Host + "\":{\"identitytoken\":\"refresh-abc-123\"}}}");
        using var client = new RegistryClient(Options(registry.Host, TestConfig.Provider(config)), _events);
        var skopeoRequests = issuer.Requests.Count;

        await PushThroughAsync(client, baseRef, $"{registry.Host}/oauth:1");

        var ours = issuer.Requests.Skip(skopeoRequests).ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, r => Assert.StartsWith("POST grant=refresh_token", r));
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Token_auth_with_a_registry_token_sends_it_as_is()
    {
        var (issuer, registry) = await StartTokenRegistryAsync();
        await using var _ = issuer;
        await using var __ = registry;
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        var token = issuer.CreateToken(User, ["repository:base:pull"]);
        var config = TestConfig.Write(_dir, "{\"auths\":{\"" + registry.Host + "\":{\"registrytoken\":\"" + token + "\"}}}");
        using var client = new RegistryClient(Options(registry.Host, TestConfig.Provider(config)), _events);
        var before = issuer.Requests.Count;

        var image = await new RegistryImageSource(client).ReadImageAsync($"{registry.Host}/base:1", Platform.LinuxAmd64);

        Assert.Single(image.Layers);
        Assert.Equal(before, issuer.Requests.Count);
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Token_auth_with_a_wrong_password_or_none_fails_clearly_without_secrets()
    {
        var (issuer, registry) = await StartTokenRegistryAsync();
        await using var _ = issuer;
        await using var __ = registry;
        var config = TestConfig.WriteAuth(_dir, registry.Host, User, "not-the-Passw0rd");
        using var wrong = new RegistryClient(Options(registry.Host, TestConfig.Provider(config)), _events);
        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => wrong.Repository(registry.Host, "base").GetAsync("1"));
        Assert.Equal(RegistryAuthFailure.CredentialsRejected, e.Failure);
        Assert.Contains(config, e.Message);
        Assert.DoesNotContain("not-the-Passw0rd", TestConfig.AllMessages(e));

        using var anonymous = new RegistryClient(Options(registry.Host, AnonymousCredentials.Instance), _events);
        var e2 = await Assert.ThrowsAsync<RegistryAuthException>(() => anonymous.Repository(registry.Host, "base").GetAsync("1"));
        Assert.Equal(RegistryAuthFailure.CredentialsMissing, e2.Failure);
        foreach (var token in issuer.IssuedTokens)
        {
            Assert.DoesNotContain(token, TestConfig.AllMessages(e));
            Assert.DoesNotContain(token, TestConfig.AllMessages(e2));
        }
    }

    [NeedsToolsFact("docker-registry", "htpasswd", "skopeo")]
    public async Task Cached_tokens_are_reused_until_they_near_expiry()
    {
        var (issuer, registry) = await StartTokenRegistryAsync();
        await using var _ = issuer;
        await using var __ = registry;
        issuer.TokenLifetime = TimeSpan.FromSeconds(60);
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: User, Password: Password));
        var config = TestConfig.WriteAuth(_dir, registry.Host, User, Password);
        var clock = new ManualClock();
        using var client = new RegistryClient(Options(registry.Host, TestConfig.Provider(config)), clock, _events);

        await client.Repository(registry.Host, "base").GetAsync("1");
        await client.Repository(registry.Host, "base").GetAsync("1");
        Assert.Equal(1, client.TokenRequestCount);

        clock.Advance(TimeSpan.FromSeconds(45)); // still 15 s left: reused
        await client.Repository(registry.Host, "base").GetAsync("1");
        Assert.Equal(1, client.TokenRequestCount);

        clock.Advance(TimeSpan.FromSeconds(10)); // within the 10 s safety margin: renewed
        await client.Repository(registry.Host, "base").GetAsync("1");
        Assert.Equal(2, client.TokenRequestCount);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
