using System.CommandLine;
using Metagenerator.Registry;

namespace Metagenerator.Cli.Commands;

/// <summary>The flags that say how to reach registries (kaniko's names), shared by every command that talks to one, so
/// <c>build</c> and <c>inspect</c> read registries exactly alike: credentials, TLS, plain HTTP, retries.</summary>
internal sealed class RegistryFlags
{
    /// <summary>Makes the flags; <paramref name="workspace"/> names, in help, the directory searched for <c>config.json</c>.</summary>
    public RegistryFlags(string workspace = "WORKSPACE")
    {
        Config = new("--config") { HelpName = "PATH", Description = $"Docker config.json with credentials (default: $DOCKER_CONFIG/config.json, then {workspace}/config.json, then ~/.docker/config.json)" };
    }

    public Option<string?> Config { get; }
    public Option<bool> SkipTlsVerify { get; } = new("--skip-tls-verify") { Description = "Do not verify TLS certificates of any registry" };
    public Option<string[]> SkipTlsVerifyRegistry { get; } = new("--skip-tls-verify-registry") { HelpName = "HOST", Description = "Do not verify TLS certificates of HOST (repeatable)" };
    public Option<bool> Insecure { get; } = new("--insecure") { Description = "Use plain HTTP for every registry" };
    public Option<string[]> InsecureRegistry { get; } = new("--insecure-registry") { HelpName = "HOST", Description = "Use plain HTTP for HOST (repeatable)" };
    public Option<string[]> RegistryCertificate { get; } = new("--registry-certificate") { HelpName = "HOST=PATH", Description = "Trust the CA in PATH for HOST, as HOST=PATH (repeatable)" };
    public Option<int> PushRetry { get; } = new("--push-retry") { HelpName = "N", Description = "Retry transient registry failures N times with backoff", DefaultValueFactory = _ => 0 };

    /// <summary>Every flag, in help order.</summary>
    public IEnumerable<Option> All => [Config, SkipTlsVerify, SkipTlsVerifyRegistry, Insecure, InsecureRegistry, RegistryCertificate, PushRetry];

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>The credentials file the flags (or the default lookup) name, checked now so a malformed file is reported before any network work.</summary>
    public DockerConfigCredentials Credentials(ParseResult parse, string workspace)
    {
        var credentials = new DockerConfigCredentials(parse.GetValue(Config) is { } cfg ? Path.GetFullPath(cfg, workspace) : null, workingDirectory: workspace);
        credentials.Validate();
        return credentials;
    }

    /// <summary>The registry options the flags give; relative paths are taken from <paramref name="workspace"/>.</summary>
    public RegistryOptions Bind(ParseResult parse, string workspace, ICredentialProvider credentials)
    {
        if (parse.GetValue(PushRetry) < 0) throw new UsageException("--push-retry must be 0 or more");
        return new RegistryOptions
        {
            SkipTlsVerify = parse.GetValue(SkipTlsVerify),
            SkipTlsVerifyRegistries = (parse.GetValue(SkipTlsVerifyRegistry) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase),
            Insecure = parse.GetValue(Insecure),
            InsecureRegistries = (parse.GetValue(InsecureRegistry) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase),
            RegistryCertificates = ParsePairs(parse.GetValue(RegistryCertificate) ?? [], "--registry-certificate", "HOST=PATH")
                .ToDictionary(p => p.Key, p => Path.GetFullPath(p.Value, workspace), StringComparer.OrdinalIgnoreCase),
            PushRetry = parse.GetValue(PushRetry),
            Credentials = credentials,
        };
    }

    /// <summary>Splits repeated <c>KEY=VALUE</c> flag values; <paramref name="shape"/> names the form in the error.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParsePairs(IEnumerable<string> values, string flag, string shape)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            if (eq <= 0) throw new UsageException($"{flag} '{value}' is not {shape}");
            pairs.Add(new(value[..eq], value[(eq + 1)..]));
        }
        return pairs;
    }
}
