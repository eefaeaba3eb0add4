using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>A registry serving TLS with a CA the test makes: verified by default, trusted with --registry-certificate, skippable.</summary>
[Tier(Tier.Registry)]
public sealed class RegistryTlsTests(TlsRegistryWithBase shared) : IClassFixture<TlsRegistryWithBase>
{
    private readonly TestCertificates _certs = shared.Certs;
    private readonly LocalRegistry _registry = shared.Registry;

    private async Task<string> RoundTripAsync(RegistryOptions options, string repository)
    {
        using var client = new RegistryClient(options);
        var baseImage = await new RegistryImageSource(client).ReadImageAsync($"{_registry.Host}/base:1", Platform.LinuxAmd64);
        var image = TestImage.WithRandomLayer(baseImage);
        await new RegistryImageSink(client).WriteImageAsync(image, [$"{_registry.Host}/{repository}:1"]);
        var inspect = (await TestImages.InspectAsync($"{_registry.Host}/{repository}:1", new SkopeoAuth(CertDirectory: _certs.SkopeoCertDirectory))).EnsureSuccess();
        Assert.Contains(((IImage)image).Digest.ToString(), inspect.StdOut);
        return inspect.StdOut;
    }

    [NeedsToolsFact("docker-registry", "openssl", "skopeo")]
    public async Task An_unknown_CA_fails_suggesting_to_trust_it()
    {
        using var client = new RegistryClient(new RegistryOptions());
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(_registry.Host));
        Assert.Contains($"TLS connection to {_registry.Host} failed (the certificate is not trusted: ", e.Message);
        Assert.Equal(new Remedy(RemedyKind.TrustRegistryCertificate, _registry.Host), e.Remedy);
        Assert.DoesNotContain("--", e.Message);
        Assert.False(e.IsTransient);
    }

    [NeedsToolsFact("docker-registry", "openssl", "skopeo")]
    public async Task Plain_http_to_a_tls_registry_says_it_speaks_https()
    {
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = new HashSet<string> { _registry.Host } });
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(_registry.Host));
        Assert.Equal(new Remedy(RemedyKind.UseHttps, _registry.Host), e.Remedy);
    }

    [NeedsToolsFact("docker-registry", "openssl", "skopeo")]
    public async Task The_CA_given_as_registry_certificate_is_trusted() =>
        await RoundTripAsync(new RegistryOptions { RegistryCertificates = new Dictionary<string, string> { [_registry.Host] = _certs.CaCertificatePath } }, "with-ca");

    [NeedsToolsFact("docker-registry", "openssl", "skopeo")]
    public async Task A_CA_for_another_host_does_not_help()
    {
        using var client = new RegistryClient(new RegistryOptions { RegistryCertificates = new Dictionary<string, string> { ["other.example"] = _certs.CaCertificatePath } });
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(_registry.Host));
        Assert.Equal(new Remedy(RemedyKind.TrustRegistryCertificate, _registry.Host), e.Remedy);
    }

    [NeedsToolsFact("docker-registry", "openssl", "skopeo")]
    public async Task Skip_tls_verify_registry_for_this_host_works() =>
        await RoundTripAsync(new RegistryOptions { SkipTlsVerifyRegistries = new HashSet<string> { _registry.Host } }, "skip-one");

    [NeedsToolsFact("docker-registry", "openssl", "skopeo")]
    public async Task Skip_tls_verify_for_all_works() =>
        await RoundTripAsync(new RegistryOptions { SkipTlsVerify = true }, "skip-all");
}
