using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Web;

namespace Metagenerator.TestSupport.Registry;

/// <summary>
/// A token server for docker-registry's token auth, on 127.0.0.1: issues RS256 JWTs whose header carries the signing
/// certificate (<c>x5c</c>); the registry trusts it through <see cref="RootCertBundlePath"/> (<c>auth.token.rootcertbundle</c>).
/// </summary>
/// <remarks>
/// GET with Basic auth (docker's flow) and OAuth2 POST (refresh_token and password grants) are served. Authenticated
/// users get every action they ask for; anonymous requests are refused with 401.
/// https://distribution.github.io/distribution/spec/auth/jwt/
/// </remarks>
public sealed class TokenIssuer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly TempDirectory _dir;

    private TokenIssuer(HttpListener listener, int port, TempDirectory dir, RSA key, X509Certificate2 certificate)
    {
        _listener = listener;
        Port = port;
        _dir = dir;
        _key = key;
        _certificate = certificate;
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The service name the registry and issuer agree on (the JWT audience).</summary>
    public string Service { get; } = "metagenerator-test-registry";

    /// <summary>The issuer name in the JWTs.</summary>
    public string Issuer { get; } = "metagenerator-test-issuer";

    /// <summary>The listening port.</summary>
    public int Port { get; }

    /// <summary>The token endpoint URL (the realm).</summary>
    public string Realm => $"http://127.0.0.1:{Port}/token";

    /// <summary>PEM file with the signing certificate, for the registry's rootcertbundle.</summary>
    public string RootCertBundlePath => _dir.Combine("token-root.pem");

    /// <summary>Accepted users (user → password).</summary>
    public ConcurrentDictionary<string, string> Users { get; } = new();

    /// <summary>Accepted OAuth2 refresh tokens (identity tokens) → user.</summary>
    public ConcurrentDictionary<string, string> RefreshTokens { get; } = new();

    /// <summary>Lifetime of issued tokens, reported as <c>expires_in</c>.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Every token issued so far (tests grep messages for them).</summary>
    public IReadOnlyCollection<string> IssuedTokens => _issued;

    /// <summary>One line per token request: method, grant or account, scopes.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>The settings for <see cref="LocalRegistryOptions.TokenAuth"/>.</summary>
    public RegistryTokenAuth RegistryAuth => new(Realm, Service, Issuer, RootCertBundlePath);

    /// <summary>Starts the issuer on a free port.</summary>
    public static TokenIssuer Start()
    {
        var dir = new TempDirectory("mg-issuer");
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=metagenerator test token issuer", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(3));
        File.WriteAllText(dir.Combine("token-root.pem"), certificate.ExportCertificatePem() + "\n");
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new TokenIssuer(listener, port, dir, key, certificate);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // Another test bound the probed port first; probe again.
                listener.Close();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            string? user = null;
            string? service;
            List<string> scopes;
            if (request.HttpMethod == "POST")
            {
                using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                var form = HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
                service = form["service"];
                scopes = (form["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                var grant = form["grant_type"];
                if (grant == "refresh_token" && form["refresh_token"] is { } refresh && RefreshTokens.TryGetValue(refresh, out var owner)) user = owner;
                if (grant == "password" && form["username"] is { } u && Users.TryGetValue(u, out var p) && p == form["password"]) user = u;
                _requests.Enqueue($"POST grant={grant} scopes={string.Join(' ', scopes)}");
            }
            else
            {
                service = request.QueryString["service"];
                scopes = request.QueryString.GetValues("scope")?.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList() ?? [];
                var header = request.Headers["Authorization"];
                if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                    var colon = decoded.IndexOf(':');
                    if (colon > 0 && Users.TryGetValue(decoded[..colon], out var password) && password == decoded[(colon + 1)..]) user = decoded[..colon];
                }
                _requests.Enqueue($"GET account={request.QueryString["account"]} scopes={string.Join(' ', scopes)}");
            }

            if (user is null || service != Service)
            {
                await WriteAsync(response, 401, """{"errors":[{"code":"UNAUTHORIZED","message":"invalid credentials"}]}""");
                return;
            }
            var token = CreateToken(user, scopes);
            _issued.Enqueue(token);
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("token", token);
                json.WriteString("access_token", token);
                json.WriteNumber("expires_in", (int)TokenLifetime.TotalSeconds);
                json.WriteString("issued_at", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            await WriteAsync(response, 200, Encoding.UTF8.GetString(buffer.ToArray()));
        }
        catch (Exception e)
        {
            try { await WriteAsync(response, 500, e.Message); } catch (Exception) { }
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    /// <summary>A signed JWT granting <paramref name="scopes"/> (<c>repository:NAME:actions</c>) to <paramref name="subject"/>.</summary>
    public string CreateToken(string subject, IEnumerable<string> scopes, TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Json(w =>
        {
            w.WriteString("typ", "JWT");
            w.WriteString("alg", "RS256");
            w.WriteStartArray("x5c");
            w.WriteStringValue(Convert.ToBase64String(_certificate.RawData));
            w.WriteEndArray();
        });
        var claims = Json(w =>
        {
            w.WriteString("iss", Issuer);
            w.WriteString("sub", subject);
            w.WriteString("aud", Service);
            w.WriteNumber("exp", (now + (lifetime ?? TokenLifetime)).ToUnixTimeSeconds());
            w.WriteNumber("nbf", now.AddSeconds(-5).ToUnixTimeSeconds());
            w.WriteNumber("iat", now.ToUnixTimeSeconds());
            w.WriteString("jti", Guid.NewGuid().ToString("N"));
            w.WriteStartArray("access");
            foreach (var scope in scopes)
            {
                // repository:NAME:actions; NAME may hold no colons in our tests (no ports in repository names).
                var parts = scope.Split(':');
                if (parts.Length < 3) continue;
                w.WriteStartObject();
                w.WriteString("type", parts[0]);
                w.WriteString("name", string.Join(':', parts[1..^1]));
                w.WriteStartArray("actions");
                foreach (var action in parts[^1].Split(',', StringSplitOptions.RemoveEmptyEntries)) w.WriteStringValue(action);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        var signingInput = Base64Url(header) + "." + Base64Url(claims);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Stops the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        // The managed HttpListener can throw on close when its port was reused meanwhile; the socket is gone either way.
        try { _listener.Close(); }
        catch (HttpListenerException) { }
        catch (ObjectDisposedException) { }
        try { await _loop; } catch (Exception) { }
        _key.Dispose();
        _certificate.Dispose();
        _dir.Dispose();
    }
}
