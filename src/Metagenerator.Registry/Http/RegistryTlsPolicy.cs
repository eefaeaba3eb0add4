using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Metagenerator.Oci;

namespace Metagenerator.Registry.Http;

/// <summary>How each registry is reached: plain HTTP or HTTPS, which certificates are trusted (extra CAs per host) or not verified.</summary>
/// <remarks>TLS validation sees the host name only, so a CA or skip-verify entry written <c>host:port</c> applies to every port of that host.</remarks>
internal sealed class RegistryTlsPolicy
{
    private readonly RegistryOptions _options;
    private readonly Dictionary<string, X509Certificate2Collection> _extraRoots;
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the CA files of <see cref="RegistryOptions.RegistryCertificates"/> now, so a bad file is reported before any request.</summary>
    public RegistryTlsPolicy(RegistryOptions options)
    {
        _options = options;
        _extraRoots = LoadCertificates(options.RegistryCertificates);
    }

    /// <summary>True when <paramref name="authority"/> (host or host:port) is spoken to over plain HTTP.</summary>
    public bool IsPlainHttp(string authority) => _options.IsPlainHttp(authority);

    /// <summary>The origin the Distribution API of <paramref name="registry"/> is served from.</summary>
    public Uri BaseUri(string registry) => new($"{(IsPlainHttp(registry) ? "http" : "https")}://{ImageReference.ApiHostOf(registry)}");

    /// <summary>Why the last TLS handshake with <paramref name="host"/> failed, when it did.</summary>
    public string? FailureReason(string host) => _failures.TryGetValue(host, out var reason) ? reason : null;

    /// <summary>The certificate check for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? "";
        if (_options.SkipTlsVerify || _options.SkipTlsVerifyRegistries.Any(r => string.Equals(RegistryOptions.HostOnly(r), host, StringComparison.OrdinalIgnoreCase)))
            return true;
        if (errors == SslPolicyErrors.None)
        {
            _failures.TryRemove(host, out _);
            return true;
        }
        // Extra CAs only repair chain errors; a name mismatch stays fatal.
        if (errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is not null && _extraRoots.TryGetValue(host, out var roots))
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(roots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
                foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (custom.Build(leaf)) return true;
            _failures[host] = $"the certificate does not chain to the extra CA configured for {host}: {DescribeChain(custom)}";
            return false;
        }
        _failures[host] = DescribeErrors(errors, chain);
        return false;
    }

    private static string DescribeErrors(SslPolicyErrors errors, X509Chain? chain)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) reasons.Add("the certificate is not valid for this host name");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) reasons.Add("the server sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)) reasons.Add($"the certificate is not trusted: {(chain is null ? "chain error" : DescribeChain(chain))}");
        return string.Join("; ", reasons);
    }

    private static string DescribeChain(X509Chain chain)
    {
        var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList();
        return statuses.Count == 0 ? "chain error" : string.Join(", ", statuses);
    }

    /// <summary>A CA bundle (the system's is about 200 KiB) is never read past this.</summary>
    private const int MaxCertificateFileBytes = 4 * 1024 * 1024;

    private static Dictionary<string, X509Certificate2Collection> LoadCertificates(IReadOnlyDictionary<string, string> certificates)
    {
        var result = new Dictionary<string, X509Certificate2Collection>(StringComparer.OrdinalIgnoreCase);
        foreach (var (registry, path) in certificates)
        {
            if (SmallInputFile.Problem(path) is { } problem)
                throw new InvalidInputException($"the CA certificate file {path} given for {registry} {problem}");
            byte[]? pem;
            try
            {
                if (!SmallInputFile.TryReadAtMost(path, MaxCertificateFileBytes, out pem))
                    throw new InvalidInputException($"the CA certificate file {path} given for {registry} holds more than {MaxCertificateFileBytes / (1024 * 1024)} MiB; give a PEM file with the registry's CA certificates");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidInputException($"the CA certificate file {path} given for {registry} cannot be read: {e.Message}", innerException: e);
            }
            var collection = new X509Certificate2Collection();
            try { collection.ImportFromPem(System.Text.Encoding.UTF8.GetString(pem)); }
            catch (CryptographicException e)
            {
                throw new InvalidInputException($"the CA certificate file {path} given for {registry} is not a PEM certificate file ({e.Message})", innerException: e);
            }
            if (collection.Count == 0)
                throw new InvalidInputException($"the CA certificate file {path} given for {registry} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            var host = RegistryOptions.HostOnly(registry);
            if (result.TryGetValue(host, out var existing)) existing.AddRange(collection);
            else result[host] = collection;
        }
        return result;
    }
}
