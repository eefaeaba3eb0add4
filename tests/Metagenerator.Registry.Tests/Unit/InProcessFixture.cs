using Metagenerator.Oci;
using Metagenerator.Oci.Images;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.InProcess;

namespace Metagenerator.Registry.Tests.Unit;

/// <summary>An in-process registry holding a base image, and clients that reach it through the transport seam.</summary>
internal sealed class InProcessSetup
{
    public InProcessSetup(InProcessRegistry? registry = null)
    {
        Registry = registry ?? new InProcessRegistry();
        BaseRef = InProcessImages.SeedBase(Registry);
    }

    public const string Host = InProcessImages.Host;

    public InProcessRegistry Registry { get; }

    public string BaseRef { get; }

    /// <summary>What the clients of <see cref="Client"/> reported.</summary>
    public RecordedEvents Events { get; } = new();

    /// <summary>One line per request the clients of <see cref="Client"/> sent.</summary>
    public IReadOnlyList<string> Log => Events.Requests;

    public RegistryOptions Options(ICredentialProvider? credentials = null, int retry = 0) => new()
    {
        Transport = Registry,
        Credentials = credentials ?? AnonymousCredentials.Instance,
        PushRetry = retry,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
    };

    public RegistryClient Client(ICredentialProvider? credentials = null, int retry = 0) => new(Options(credentials, retry), Events);

    /// <summary>The base image plus <paramref name="layers"/> new random layers, read through <paramref name="client"/>.</summary>
    public async Task<Image> ImageAsync(RegistryClient client, int layers = 1, int layerSize = 64 * 1024)
    {
        var baseImage = await new RegistryImageSource(client).ReadImageAsync(BaseRef, Platform.LinuxAmd64);
        return TestImage.WithRandomLayers(baseImage, layers, layerSize);
    }

    /// <summary>How many requests so far match <paramref name="method"/> and start with <paramref name="pathPrefix"/>.</summary>
    public int Count(string method, string pathPrefix) =>
        Registry.Requests.Count(r => r.StartsWith($"{method} {pathPrefix}", StringComparison.Ordinal));
}
