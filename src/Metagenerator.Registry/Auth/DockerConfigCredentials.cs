using System.Text;
using System.Text.Json;

namespace Metagenerator.Registry.Auth;

/// <summary>Credentials from a Docker <c>config.json</c>, as <c>docker login</c> writes it.</summary>
/// <remarks>
/// The file is the first that exists of: the explicit path (<c>--config PATH</c>; a file, or a directory holding
/// <c>config.json</c>), <c>$DOCKER_CONFIG/config.json</c>, <c>config.json</c> in the working directory,
/// <c>~/.docker/config.json</c>. Within it, for a registry host the order is <c>credHelpers[host]</c>, then
/// <c>credsStore</c>, then the <c>auths</c> entry (<c>auth</c> = base64 user:password, or <c>username</c>/<c>password</c>,
/// <c>identitytoken</c>, <c>registrytoken</c>). <c>auths</c> keys may be written as <c>host</c>, <c>host:port</c>,
/// <c>https://host/v1/</c> or <c>http://host</c>; Docker Hub matches <c>docker.io</c>, <c>index.docker.io</c>,
/// <c>registry-1.docker.io</c> and <c>https://index.docker.io/v1/</c>.
/// https://docs.docker.com/reference/cli/docker/#configuration-files
/// </remarks>
public sealed class DockerConfigCredentials : ICredentialProvider
{
    private static readonly string[] DockerHubAliases = ["docker.io", "index.docker.io", "registry-1.docker.io"];
    private const string DockerHubServerUrl = "https://index.docker.io/v1/";

    private readonly Func<string, string?> _getEnvironment;
    private readonly Lazy<ParsedConfig?> _config;

    /// <summary>Locates the config file (it is read on first use).</summary>
    /// <param name="explicitPath">The <c>--config</c> value, or null.</param>
    /// <param name="getEnvironment">Environment lookup (DOCKER_CONFIG, HOME, PATH); defaults to the process environment.</param>
    /// <param name="workingDirectory">The directory searched for <c>config.json</c>; defaults to the current directory.</param>
    public DockerConfigCredentials(string? explicitPath = null, Func<string, string?>? getEnvironment = null, string? workingDirectory = null)
    {
        _getEnvironment = getEnvironment ?? Environment.GetEnvironmentVariable;
        ConfigPath = Locate(explicitPath, _getEnvironment, workingDirectory ?? Environment.CurrentDirectory, out var searched);
        SearchedPaths = searched;
        _config = new Lazy<ParsedConfig?>(() => ConfigPath is null ? null : Parse(ConfigPath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The config file in use, or null when none of the candidates exists.</summary>
    public string? ConfigPath { get; }

    /// <summary>Every path that was considered, in order.</summary>
    public IReadOnlyList<string> SearchedPaths { get; }

    /// <inheritdoc/>
    public string Description => ConfigPath ?? $"any Docker config file (none found; looked at {string.Join(", ", SearchedPaths)})";

    /// <summary>Reads and checks the config file now, so a malformed file is reported before any network work.</summary>
    public void Validate() => _ = _config.Value;

    /// <inheritdoc/>
    public async Task<RegistryCredential?> ResolveAsync(string registryHost, CancellationToken ct = default)
    {
        var config = _config.Value;
        if (config is null) return null;
        var isHub = DockerHubAliases.Contains(registryHost, StringComparer.OrdinalIgnoreCase);

        var helper = FindHelper(config, registryHost, isHub);
        if (helper is not null)
        {
            var fromHelper = await CredentialHelper.GetAsync(helper, isHub ? DockerHubServerUrl : registryHost, config.Path, _getEnvironment, ct).ConfigureAwait(false);
            if (fromHelper is not null) return fromHelper;
        }
        else if (config.CredsStore is { } store)
        {
            var fromStore = await CredentialHelper.GetAsync(store, isHub ? DockerHubServerUrl : registryHost, config.Path, _getEnvironment, ct).ConfigureAwait(false);
            if (fromStore is not null) return fromStore;
        }

        foreach (var (key, entry) in config.Auths)
            if (HostMatches(key, registryHost, isHub) && !entry.IsEmpty)
                return entry.ToCredential(config.Path);
        return null;
    }

    private static string? FindHelper(ParsedConfig config, string host, bool isHub)
    {
        foreach (var (key, helper) in config.CredHelpers)
            if (HostMatches(key, host, isHub)) return helper;
        return null;
    }

    /// <summary>True when a config key (<c>host</c>, <c>host:port</c>, <c>https://host/v1/</c>, <c>http://host</c>) names <paramref name="host"/>.</summary>
    internal static bool HostMatches(string key, string host, bool isHub)
    {
        var normalized = NormalizeKey(key);
        if (string.Equals(normalized, host, StringComparison.OrdinalIgnoreCase)) return true;
        return isHub && DockerHubAliases.Contains(normalized, StringComparer.OrdinalIgnoreCase);
    }

    private static string NormalizeKey(string key)
    {
        var k = key.Trim();
        var scheme = k.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) k = k[(scheme + 3)..];
        var slash = k.IndexOf('/');
        if (slash >= 0) k = k[..slash];
        return k;
    }

    private static string? Locate(string? explicitPath, Func<string, string?> env, string workingDirectory, out IReadOnlyList<string> searched)
    {
        var list = new List<string>();
        searched = list;
        if (!string.IsNullOrEmpty(explicitPath))
        {
            var full = Path.GetFullPath(explicitPath, workingDirectory);
            if (Directory.Exists(full)) full = Path.Combine(full, "config.json");
            list.Add(full);
            // An explicit path that does not exist is a user error, not a reason to look elsewhere.
            if (!File.Exists(full))
                throw new CredentialConfigException($"{full}: the Docker config file given explicitly does not exist", full);
            return full;
        }
        var candidates = new List<string>();
        if (env("DOCKER_CONFIG") is { Length: > 0 } dockerConfig) candidates.Add(Path.Combine(dockerConfig, "config.json"));
        candidates.Add(Path.Combine(workingDirectory, "config.json"));
        var home = env("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) candidates.Add(Path.Combine(home, ".docker", "config.json"));
        foreach (var candidate in candidates)
        {
            var full = Path.GetFullPath(candidate, workingDirectory);
            list.Add(full);
            if (File.Exists(full)) return full;
        }
        return null;
    }

    private static ParsedConfig Parse(string path)
    {
        byte[] bytes;
        try { bytes = ConfigFileReader.Read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialConfigException($"{path}: cannot read the Docker config file: {e.Message}", path, e);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            // JsonException messages carry position only, never the content, so they are safe to show.
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new CredentialConfigException($"{path}: not valid JSON{where}; a Docker config file looks like {{\"auths\": {{\"HOST\": {{\"auth\": \"BASE64(user:password)\"}}}}}}", path, e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CredentialConfigException($"{path}: the top level must be a JSON object, found {Describe(root.ValueKind)}", path);

            var auths = new List<KeyValuePair<string, AuthEntry>>();
            if (root.TryGetProperty("auths", out var authsElement) && authsElement.ValueKind != JsonValueKind.Null)
            {
                if (authsElement.ValueKind != JsonValueKind.Object)
                    throw new CredentialConfigException($"{path}: \"auths\" must be an object mapping registry hosts to credentials, found {Describe(authsElement.ValueKind)}", path);
                foreach (var prop in authsElement.EnumerateObject())
                    auths.Add(new(prop.Name, ParseEntry(path, prop.Name, prop.Value)));
            }

            var helpers = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("credHelpers", out var helpersElement) && helpersElement.ValueKind != JsonValueKind.Null)
            {
                if (helpersElement.ValueKind != JsonValueKind.Object)
                    throw new CredentialConfigException($"{path}: \"credHelpers\" must be an object mapping registry hosts to helper names, found {Describe(helpersElement.ValueKind)}", path);
                foreach (var prop in helpersElement.EnumerateObject())
                {
                    if (prop.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(prop.Value.GetString()))
                        throw new CredentialConfigException($"{path}: credHelpers.\"{prop.Name}\" must be a helper name (e.g. \"ecr-login\" for docker-credential-ecr-login)", path);
                    helpers.Add(new(prop.Name, prop.Value.GetString()!));
                }
            }

            string? store = null;
            if (root.TryGetProperty("credsStore", out var storeElement) && storeElement.ValueKind != JsonValueKind.Null)
            {
                if (storeElement.ValueKind != JsonValueKind.String)
                    throw new CredentialConfigException($"{path}: \"credsStore\" must be a helper name string, found {Describe(storeElement.ValueKind)}", path);
                store = storeElement.GetString() is { Length: > 0 } s ? s : null;
            }
            return new ParsedConfig(path, auths, helpers, store);
        }
    }

    private static AuthEntry ParseEntry(string path, string key, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CredentialConfigException($"{path}: auths.\"{key}\" must be an object such as {{\"auth\": \"BASE64(user:password)\"}}, found {Describe(value.ValueKind)}", path);
        string? Field(string name)
        {
            if (!value.TryGetProperty(name, out var f) || f.ValueKind == JsonValueKind.Null) return null;
            if (f.ValueKind != JsonValueKind.String)
                throw new CredentialConfigException($"{path}: auths.\"{key}\".{name} must be a string, found {Describe(f.ValueKind)}", path);
            var s = f.GetString();
            return string.IsNullOrEmpty(s) ? null : s;
        }
        var username = Field("username");
        var password = Field("password");
        if (Field("auth") is { } auth)
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth)); }
            catch (FormatException e)
            {
                throw new CredentialConfigException($"{path}: auths.\"{key}\".auth is not valid base64; it must be base64 of \"user:password\" (value not shown)", path, e);
            }
            var colon = decoded.IndexOf(':');
            if (colon < 0)
                throw new CredentialConfigException($"{path}: auths.\"{key}\".auth decodes to text without a ':'; it must be base64 of \"user:password\" (value not shown)", path);
            username = decoded[..colon];
            password = decoded[(colon + 1)..];
        }
        return new AuthEntry(username, password, Field("identitytoken"), Field("registrytoken"));
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private sealed record ParsedConfig(
        string Path,
        IReadOnlyList<KeyValuePair<string, AuthEntry>> Auths,
        IReadOnlyList<KeyValuePair<string, string>> CredHelpers,
        string? CredsStore);

    private sealed record AuthEntry(string? Username, string? Password, string? IdentityToken, string? RegistryToken)
    {
        public bool IsEmpty => Username is null && Password is null && IdentityToken is null && RegistryToken is null;

        public RegistryCredential ToCredential(string source) => new()
        {
            Username = Username,
            Password = Password,
            IdentityToken = IdentityToken,
            RegistryToken = RegistryToken,
            Source = source,
        };

        public override string ToString() => "auth entry (redacted)";
    }
}
