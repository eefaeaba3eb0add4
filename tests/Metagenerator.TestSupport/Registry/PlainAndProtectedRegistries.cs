using Xunit;

namespace Metagenerator.TestSupport.Registry;

/// <summary>
/// A class fixture: two real registries started once for every test of a class, each holding the test base as
/// <c>base:1</c>: one plain HTTP and anonymous, one with TLS (<see cref="Certs"/>) and htpasswd (user <see cref="User"/>,
/// <see cref="Password"/>). Tests keep apart by pushing under their own repository names or tags.
/// </summary>
public sealed class PlainAndProtectedRegistries : IAsyncLifetime
{
    /// <summary>The htpasswd user of <see cref="Protected"/>.</summary>
    public const string User = "alice";

    /// <summary>The password of <see cref="User"/>.</summary>
    public const string Password = "s3cr3t-Pa55word!";

    /// <summary>Where the certificates and htpasswd file live.</summary>
    public TempDirectory State { get; private set; } = null!;

    /// <summary>The TLS certificates of <see cref="Protected"/>.</summary>
    public TestCertificates Certs { get; private set; } = null!;

    /// <summary>Plain HTTP, no auth.</summary>
    public LocalRegistry Plain { get; private set; } = null!;

    /// <summary>TLS and htpasswd.</summary>
    public LocalRegistry Protected { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        State = new TempDirectory("mg-registries");
        Certs = await TestCertificates.CreateAsync(State.Combine("certs"));
        var htpasswd = await Htpasswd.WriteAsync(State.Combine("htpasswd"), new Dictionary<string, string> { [User] = Password });
        Plain = await LocalRegistry.StartAsync();
        Protected = await LocalRegistry.StartAsync(new LocalRegistryOptions { Tls = Certs, HtpasswdPath = htpasswd });
        await TestImages.PushBaseAsync(Plain.Host, "base", "1");
        await TestImages.PushBaseAsync(Protected.Host, "base", "1", new SkopeoAuth(Certs.SkopeoCertDirectory, User, Password));
    }

    public async Task DisposeAsync()
    {
        await Plain.DisposeAsync();
        await Protected.DisposeAsync();
        State.Dispose();
    }
}
