using System.Net;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.InProcess;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests.Unit;

/// <summary>
/// AuthHandler and the token client against Basic and Bearer challenges of the in-process registry: credentials by
/// registry, tokens by scope and cached, no secret in any message. The real docker-registry with htpasswd and the
/// token issuer is in <see cref="RegistryAuthTests"/>.
/// </summary>
[Tier(Tier.Unit)]
public sealed class AuthUnitTests : IDisposable
{
    private readonly TempDirectory _dir = new("mg-unit-auth");

    public void Dispose() => _dir.Dispose();

    private static async Task PushAsync(InProcessSetup setup, RegistryClient client, string destination)
    {
        var image = await setup.ImageAsync(client);
        await new RegistryImageSink(client).WriteImageAsync(image, [destination]);
    }

    [Fact]
    public async Task Basic_auth_with_the_right_password_pushes()
    {
        var setup = new InProcessSetup(new InProcessRegistry { Auth = InProcessAuth.Basic });
        var config = TestConfig.WriteAuth(_dir, InProcessSetup.Host, setup.Registry.User, setup.Registry.Password);
        using var client = setup.Client(TestConfig.Provider(config));

        await PushAsync(setup, client, $"{InProcessSetup.Host}/gen:1");

        ImageValidator.AssertValid(setup.Registry, "gen", "1");
        // The challenge is learnt once; later requests carry the credentials at once.
        Assert.True(setup.Log.Count(l => l.EndsWith("-> 401", StringComparison.Ordinal) || l.Contains("-> 401 ", StringComparison.Ordinal)) <= 1, string.Join('\n', setup.Log));
    }

    [Fact]
    public async Task Basic_auth_with_a_wrong_password_fails_naming_the_config_file_and_never_the_password()
    {
        var setup = new InProcessSetup(new InProcessRegistry { Auth = InProcessAuth.Basic });
        var config = TestConfig.WriteAuth(_dir, InProcessSetup.Host, setup.Registry.User, "wrong-Passw0rd");
        using var client = setup.Client(TestConfig.Provider(config), retry: 2);

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => new RegistryImageSource(client).ReadImageAsync(setup.BaseRef, Platform.LinuxAmd64));

        Assert.Equal(RegistryAuthFailure.CredentialsRejected, e.Failure);
        Assert.Contains(config, e.Message);
        Assert.Equal(config, e.CredentialSource);
        var all = TestConfig.AllMessages(e) + string.Join('\n', setup.Log);
        Assert.DoesNotContain("wrong-Passw0rd", all);
        Assert.DoesNotContain(TestConfig.B64(setup.Registry.User + ":wrong-Passw0rd"), all);
    }

    [Fact]
    public async Task No_credentials_for_the_registry_says_which_config_was_consulted()
    {
        var setup = new InProcessSetup(new InProcessRegistry { Auth = InProcessAuth.Basic });
        var config = TestConfig.WriteAuth(_dir, "other.example:5000", "someone", "irrelevant");
        using var client = setup.Client(TestConfig.Provider(config));

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => client.PingAsync(InProcessSetup.Host));

        Assert.Equal(RegistryAuthFailure.CredentialsMissing, e.Failure);
        Assert.Contains($"no credentials for {InProcessSetup.Host} in {config}", e.Message);
        using var anonymous = setup.Client();
        var e2 = await Assert.ThrowsAsync<RegistryAuthException>(() => anonymous.PingAsync(InProcessSetup.Host));
        Assert.Equal(new Remedy(RemedyKind.ProvideCredentials, InProcessSetup.Host), e2.Remedy);
    }

    [Fact]
    public async Task Bearer_tokens_are_asked_for_the_scopes_needed_and_cached()
    {
        var setup = new InProcessSetup(new InProcessRegistry { Auth = InProcessAuth.Bearer });
        var config = TestConfig.WriteAuth(_dir, InProcessSetup.Host, setup.Registry.User, setup.Registry.Password);
        using var client = setup.Client(TestConfig.Provider(config));

        await PushAsync(setup, client, $"{InProcessSetup.Host}/gen:1");
        var afterFirst = client.TokenRequestCount;
        await PushAsync(setup, client, $"{InProcessSetup.Host}/gen:2");

        ImageValidator.AssertValid(setup.Registry, "gen", "2");
        Assert.Equal(afterFirst, client.TokenRequestCount);
        Assert.InRange(afterFirst, 1, 3);
        // Pushing with a mount from the base's repository asks for pull on it and pull,push on the destination.
        Assert.Contains(setup.Registry.TokenRequests, s => s.Contains("repository:gen:pull,push", StringComparison.Ordinal));
        Assert.Contains(setup.Registry.TokenRequests, s => s.Contains("repository:base:pull", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_identity_token_is_exchanged_with_the_oauth2_post()
    {
        var setup = new InProcessSetup(new InProcessRegistry { Auth = InProcessAuth.Bearer });
        var config = TestConfig.Write(_dir, "{\"auths\":{\"" + InProcessSetup.Host + "\":{\"identitytoken\":\"" + setup.Registry.RefreshToken + "\"}}}");
        using var client = setup.Client(TestConfig.Provider(config));

        await new RegistryImageSource(client).ReadImageAsync(setup.BaseRef, Platform.LinuxAmd64);

        Assert.Contains("POST /token", setup.Registry.Requests);
        Assert.DoesNotContain("GET /token", setup.Registry.Requests);
    }

    [Fact]
    public async Task Bearer_auth_with_a_wrong_password_fails_clearly_without_secrets()
    {
        var setup = new InProcessSetup(new InProcessRegistry { Auth = InProcessAuth.Bearer });
        var config = TestConfig.WriteAuth(_dir, InProcessSetup.Host, setup.Registry.User, "wrong-Passw0rd");
        using var client = setup.Client(TestConfig.Provider(config));

        var e = await Assert.ThrowsAsync<RegistryAuthException>(() => new RegistryImageSource(client).ReadImageAsync(setup.BaseRef, Platform.LinuxAmd64));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal(RegistryAuthFailure.CredentialsRejected, e.Failure);
        Assert.Contains(config, e.Message);
        Assert.DoesNotContain("wrong-Passw0rd", TestConfig.AllMessages(e) + string.Join('\n', setup.Log));
    }
}
