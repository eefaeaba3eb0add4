using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>A token fetch shared by concurrent requests belongs to none of them: one caller giving up does not fail the others.</summary>
[Tier(Tier.Registry)]
public sealed class SharedTokenFetchTests
{
    [NeedsToolsFact("docker-registry", "skopeo")]
    public async Task A_cancelled_caller_does_not_cancel_the_token_fetch_another_caller_waits_for()
    {
        using var dir = new TempDirectory("mg-sharedtoken");
        await using var issuer = TokenIssuer.Start();
        issuer.Users["u"] = "pw-shared-1";
        await using var slowRealm = FaultProxy.Start(issuer.Port);
        await using var registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { TokenAuth = issuer.RegistryAuth with { Realm = $"http://{slowRealm.Host}/token" } });
        await TestImages.PushBaseAsync(registry.Host, auth: new SkopeoAuth(Username: "u", Password: "pw-shared-1"));
        var config = TestConfig.WriteAuth(dir, registry.Host, "u", "pw-shared-1");
        using var client = new RegistryClient(new RegistryOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host, slowRealm.Host },
            Credentials = new DockerConfigCredentials(config),
        });
        slowRealm.Inject(_ => true, new Fault.Delay(TimeSpan.FromSeconds(3)), times: 100);
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var cancelled = client.Repository(registry.Host, "base").GetAsync("1", impatient.Token);
        var patient = client.Repository(registry.Host, "base").GetAsync("1");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var manifest = await patient.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.NotEmpty(manifest.Bytes);
        Assert.Equal(1, client.TokenRequestCount);
    }
}
