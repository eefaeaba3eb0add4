using System.Text;
using System.Text.Json;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// `metagenerator build` as a process against real registries (plain, TLS, htpasswd): outputs, exit codes,
/// and the messages a user sees when something is wrong. Secrets never appear in output.
/// </summary>
[Tier(Tier.Registry)]
public sealed class BuildCommandTests(PlainAndProtectedRegistries registries) : IClassFixture<PlainAndProtectedRegistries>
{
    private const string Password = PlainAndProtectedRegistries.Password;
    private readonly LocalRegistry _plain = registries.Plain;
    private readonly LocalRegistry _protected = registries.Protected;
    private readonly TestCertificates _certs = registries.Certs;

    /// <summary>A workspace as docs/contracts.md §5 describes it: manifest, model-src/ and (optionally) config.json.</summary>
    private static TempDirectory Workspace(string registry, string? password = null)
    {
        var dir = new TempDirectory("mg-workspace");
        dir.WriteFile("GENERATOR-MANIFEST.yml", $"""
            demo-gen:
              version: v1
              config:
                GENERATOR_REGISTRY: {registry}
                MODEL_REGISTRY: {registry}
                MODEL_DOCKERFILE: Dockerfile
              parameters:
                STEPS:
                  info: steps
                  default: 042
            """);
        dir.WriteFile("model-src/Dockerfile", "FROM scratch\n");
        dir.WriteFile("model-src/model.py", "print(1)\n");
        if (password is not null)
        {
            var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{password}"));
            dir.WriteFile("config.json", "{\"auths\": {\"" + registry + "\": {\"auth\": \"" + auth + "\"}}}");
        }
        return dir;
    }

    private static void AssertNoSecret(ToolResult result, string? password = Password)
    {
        var output = result.StdOut + result.StdErr;
        if (password is not null)
        {
            Assert.DoesNotContain(password, output);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{password}")), output);
        }
        Assert.DoesNotContain("   at ", output);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Defaults_push_to_the_manifest_registry_and_print_the_reference_with_digest_last()
    {
        using var ws = Workspace(_plain.Host);
        var result = await CliRunner.RunAsync(ws.Path, "build", "--generator-base", $"{_plain.Host}/base:1", "--insecure-registry", _plain.Host,
            "--digest-file", "digest.txt", "--image-name-with-digest-file", "names.txt");
        Assert.True(result.ExitCode == 0, result.StdErr);
        var digest = File.ReadAllText(ws.Combine("digest.txt"));
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
        var last = result.StdOut.Trim().Split('\n')[^1];
        Assert.Equal($"{_plain.Host}/demo-gen:v1@{digest}", last);
        Assert.Equal(last, File.ReadAllText(ws.Combine("names.txt")).Trim());
        using var inspect = JsonDocument.Parse((await TestImages.InspectAsync($"{_plain.Host}/demo-gen:v1")).EnsureSuccess().StdOut);
        Assert.Equal(digest, inspect.RootElement.GetProperty("Digest").GetString());
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Extra_flags_are_parsed_with_quotes_and_an_unknown_flag_is_named()
    {
        using var ws = Workspace(_plain.Host);
        var env = new Dictionary<string, string?>
        {
            ["EXTRA_FLAGS"] = $"--insecure-registry {_plain.Host} --label 'team=grid sim' --label \"note=$(touch pwned)\" --no-push --oci-layout out",
        };
        var ok = await CliRunner.RunAsync(ws.Path, env, "build", "--generator-base", $"{_plain.Host}/base:1");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.False(File.Exists(ws.Combine("pwned")));
        using var inspect = JsonDocument.Parse((await ExternalTool.RunAsync("skopeo", ["inspect", $"oci:{ws.Combine("out")}:v1"])).EnsureSuccess().StdOut);
        var labels = inspect.RootElement.GetProperty("Labels");
        Assert.Equal("grid sim", labels.GetProperty("team").GetString());
        Assert.Equal("$(touch pwned)", labels.GetProperty("note").GetString());

        var bad = await CliRunner.RunAsync(ws.Path, new Dictionary<string, string?> { ["EXTRA_FLAGS"] = "--cache=true --no-push" }, "build");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--cache=true", bad.StdErr);
        Assert.Contains("EXTRA_FLAGS", bad.StdErr);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Tls_registry_with_htpasswd_works_with_the_ca_and_credentials_from_the_workspace_config()
    {
        using var ws = Workspace(_protected.Host, Password);
        var result = await CliRunner.RunAsync(ws.Path, "build", "--generator-base", $"{_protected.Host}/base:1",
            "--registry-certificate", $"{_protected.Host}={_certs.CaCertificatePath}", "--verbosity", "trace");
        Assert.True(result.ExitCode == 0, result.StdErr);
        AssertNoSecret(result);
        Assert.EndsWith("", result.StdOut);
        Assert.Equal(0, (await TestImages.InspectAsync($"{_protected.Host}/demo-gen:v1", new SkopeoAuth(_certs.SkopeoCertDirectory, "alice", Password))).ExitCode);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Wrong_password_is_a_registry_error_that_names_the_registry_and_hides_the_password()
    {
        using var ws = Workspace(_protected.Host, "wrong-" + Password);
        var result = await CliRunner.RunAsync(ws.Path, "build", "--generator-base", $"{_protected.Host}/base:1",
            "--registry-certificate", $"{_protected.Host}={_certs.CaCertificatePath}", "--verbosity", "trace");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(_protected.Host, result.StdErr);
        Assert.Contains("config.json", result.StdErr);
        AssertNoSecret(result, "wrong-" + Password);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Missing_credentials_is_a_registry_error_that_says_where_it_looked()
    {
        using var ws = Workspace(_protected.Host);
        var result = await CliRunner.RunAsync(ws.Path, "build", "--generator-base", $"{_protected.Host}/base:1",
            "--registry-certificate", $"{_protected.Host}={_certs.CaCertificatePath}");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(_protected.Host, result.StdErr);
        // "Says where it looked": the working directory's config.json is one of the places searched.
        Assert.Contains(Path.Combine(ws.Path, "config.json"), result.StdErr);
        AssertNoSecret(result);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Tls_failure_without_a_skip_flag_says_how_to_trust_the_registry()
    {
        using var ws = Workspace(_protected.Host, Password);
        var result = await CliRunner.RunAsync(ws.Path, "build", "--generator-base", $"{_protected.Host}/base:1");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--registry-certificate", result.StdErr);
        AssertNoSecret(result);

        var skipped = await CliRunner.RunAsync(ws.Path, "build", "--generator-base", $"{_protected.Host}/base:1", "--skip-tls-verify-registry", _protected.Host);
        Assert.True(skipped.ExitCode == 0, skipped.StdErr);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Unreachable_registry_is_exit_3()
    {
        using var ws = Workspace($"127.0.0.1:{FreePort.Next()}");
        var result = await CliRunner.RunAsync(ws.Path, "build", "--generator-base", $"{_plain.Host}/base:1", "--insecure");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("127.0.0.1", result.StdErr);
        AssertNoSecret(result, null);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Missing_model_source_or_model_dockerfile_is_exit_2_before_any_registry_call()
    {
        using var ws = Workspace(_plain.Host);
        var noSource = await CliRunner.RunAsync(ws.Path, "build", "GENERATOR-MANIFEST.yml", "elsewhere", "--insecure");
        Assert.Equal(2, noSource.ExitCode);
        Assert.Contains("elsewhere", noSource.StdErr);

        File.Delete(ws.Combine("model-src", "Dockerfile"));
        var noDockerfile = await CliRunner.RunAsync(ws.Path, "build", "--insecure");
        Assert.Equal(2, noDockerfile.ExitCode);
        Assert.Contains("config.MODEL_DOCKERFILE", noDockerfile.StdErr);
        Assert.Contains("GENERATOR-MANIFEST.yml:", noDockerfile.StdErr);
        AssertNoSecret(noDockerfile, null);
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task A_malformed_config_json_is_exit_2_naming_the_file_before_any_registry_call()
    {
        using var ws = Workspace($"127.0.0.1:{FreePort.Next()}");
        ws.WriteFile("config.json", "{\"auths\": {\"x\": {\"auth\": \"dXNlcjpzM2NyM3Q=\"}}");
        var result = await CliRunner.RunAsync(ws.Path, "build", "--insecure");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(ws.Combine("config.json"), result.StdErr);
        Assert.DoesNotContain("base image:", result.StdErr);
        Assert.DoesNotContain("dXNlcjpzM2NyM3Q=", result.StdErr);
        AssertNoSecret(result, "s3cr3t");
    }

    [NeedsToolsFact("skopeo", "docker-registry", "openssl", "htpasswd", "dotnet")]
    public async Task Bad_flag_values_are_exit_2_with_the_flag_named()
    {
        using var ws = Workspace(_plain.Host);
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["build", "--verbosity", "loud"], "--verbosity"),
            (["build", "--label", "novalue"], "--label"),
            (["build", "--custom-platform", "linux"], "--custom-platform"),
            (["build", "--compression", "lz4"], "lz4"),
            (["build", "--compression-level", "42"], "--compression-level"),
            (["build", "--destination", "Bad/Name:1"], "Bad/Name"),
            (["build", "--generator-base", "oci:"], "--generator-base"),
            (["build", "--oci-layout", "GENERATOR-MANIFEST.yml"], "--oci-layout"),
            (["build", "--tar-path", "model-src"], "--tar-path"),
        })
        {
            var result = await CliRunner.RunAsync(ws.Path, args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)} → {result.ExitCode}: {result.StdErr}");
            Assert.Contains(expected, result.StdErr);
            AssertNoSecret(result, null);
        }
    }
}
