using Xunit;

namespace Metagenerator.TestSupport.Registry;

/// <summary>
/// A class fixture: one plain-HTTP real registry holding the test base as <c>base:1</c>, started once for every test of
/// a class. Tests keep apart by pushing under their own repository names or tags, and put faults in a proxy of their own.
/// </summary>
public sealed class PlainRegistryWithBase : IAsyncLifetime
{
    /// <summary>The registry.</summary>
    public LocalRegistry Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Registry = await LocalRegistry.StartAsync();
        await TestImages.PushBaseAsync(Registry.Host);
    }

    public async Task DisposeAsync() => await Registry.DisposeAsync();
}

/// <summary>
/// A class fixture: one real registry serving TLS with a CA made here (<see cref="Certs"/>), holding the test base as
/// <c>base:1</c>, started once for every test of a class.
/// </summary>
public sealed class TlsRegistryWithBase : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("mg-tls");

    /// <summary>The certificates the registry serves and the CA that signed them.</summary>
    public TestCertificates Certs { get; private set; } = null!;

    /// <summary>The registry.</summary>
    public LocalRegistry Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Certs = await TestCertificates.CreateAsync(_dir.Combine("certs"));
        Registry = await LocalRegistry.StartAsync(new LocalRegistryOptions { Tls = Certs });
        await TestImages.PushBaseAsync(Registry.Host, auth: new SkopeoAuth(CertDirectory: Certs.SkopeoCertDirectory));
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        _dir.Dispose();
    }
}
