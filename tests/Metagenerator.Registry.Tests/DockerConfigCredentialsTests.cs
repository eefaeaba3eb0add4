using System.Text;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

[Tier(Tier.Unit)]
public sealed class DockerConfigCredentialsTests : IDisposable
{
    private readonly TempDirectory _dir = new("mg-dockercfg");

    public void Dispose() => _dir.Dispose();

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private Func<string, string?> Env(string? dockerConfig = null, string? home = null, string? path = null) => name => name switch
    {
        "DOCKER_CONFIG" => dockerConfig,
        "HOME" => home ?? _dir.Combine("home"),
        "PATH" => path ?? "/usr/bin:/bin",
        _ => null,
    };

    private string Config(string relative, string json) => _dir.WriteFile(relative, json);

    private static string Auth(string host, string user, string password) => "{\"auths\":{\"" + host + "\":{\"auth\":\"" + B64(user + ":" + password) + "\"}}}";

    [Fact]
    public async Task Lookup_order_is_explicit_path_then_DOCKER_CONFIG_then_working_directory_then_home()
    {
        var explicitPath = Config("explicit/config.json", Auth("r.example", "explicit", "p"));
        var dockerConfig = Config("dc/config.json", Auth("r.example", "dockerconfig", "p"));
        Config("cwd/config.json", Auth("r.example", "cwd", "p"));
        Config("home/.docker/config.json", Auth("r.example", "home", "p"));

        async Task<string?> UserWith(string? explicitArg, string? dcDir, string cwd) =>
            (await new DockerConfigCredentials(explicitArg, Env(dcDir), _dir.Combine(cwd)).ResolveAsync("r.example"))?.Username;

        Assert.Equal("explicit", await UserWith(explicitPath, _dir.Combine("dc"), "cwd"));
        Assert.Equal("explicit", await UserWith(_dir.Combine("explicit"), _dir.Combine("dc"), "cwd")); // a directory works too
        Assert.Equal("dockerconfig", await UserWith(null, _dir.Combine("dc"), "cwd"));
        Assert.Equal("cwd", await UserWith(null, _dir.Combine("nothing-here"), "cwd"));
        Directory.CreateDirectory(_dir.Combine("empty"));
        Assert.Equal("home", await UserWith(null, null, "empty"));

        var none = new DockerConfigCredentials(null, Env(null, _dir.Combine("nohome")), _dir.Combine("empty"));
        Assert.Null(none.ConfigPath);
        Assert.Null(await none.ResolveAsync("r.example"));
        Assert.Contains("looked at", none.Description);
        Assert.Equal(dockerConfig, new DockerConfigCredentials(null, Env(_dir.Combine("dc")), _dir.Combine("cwd")).ConfigPath);
    }

    [Fact]
    public void An_explicit_config_path_that_does_not_exist_is_an_error_naming_it()
    {
        var missing = _dir.Combine("nope.json");
        var e = Assert.Throws<CredentialConfigException>(() => new DockerConfigCredentials(missing, Env(), _dir.Path));
        Assert.Contains(missing, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData("reg.example.com", "reg.example.com")]
    [InlineData("https://reg.example.com/v1/", "reg.example.com")]
    [InlineData("http://reg.example.com", "reg.example.com")]
    [InlineData("reg.example.com:5000", "reg.example.com:5000")]
    [InlineData("https://reg.example.com:5000/v2/", "reg.example.com:5000")]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("https://index.docker.io/v1/", "registry-1.docker.io")]
    [InlineData("docker.io", "index.docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    public async Task Auths_keys_match_in_every_form_docker_writes(string key, string host)
    {
        var path = Config("config.json", Auth(key, "user", "secret"));
        var credential = await new DockerConfigCredentials(path, Env(), _dir.Path).ResolveAsync(host);
        Assert.NotNull(credential);
        Assert.Equal("user", credential.Username);
        Assert.Equal("secret", credential.Password);
        Assert.Equal(path, credential.Source);
    }

    [Theory]
    [InlineData("reg.example.com:5000", "reg.example.com")]
    [InlineData("reg.example.com", "reg.example.com:5000")]
    [InlineData("other.example.com", "reg.example.com")]
    [InlineData("docker.io", "ghcr.io")]
    public async Task Auths_keys_for_other_hosts_do_not_match(string key, string host)
    {
        var path = Config("config.json", Auth(key, "user", "secret"));
        Assert.Null(await new DockerConfigCredentials(path, Env(), _dir.Path).ResolveAsync(host));
    }

    [Fact]
    public async Task Username_password_identitytoken_and_registrytoken_fields_are_read()
    {
        var path = Config("config.json", """
            {"auths": {
              "a.example": {"username": "alice", "password": "pw-a"},
              "b.example": {"identitytoken": "refresh-b"},
              "c.example": {"registrytoken": "bearer-c"},
              "d.example": {}
            }}
            """);
        var provider = new DockerConfigCredentials(path, Env(), _dir.Path);
        var a = await provider.ResolveAsync("a.example");
        Assert.Equal(("alice", "pw-a"), (a!.Username, a.Password));
        Assert.Equal("refresh-b", (await provider.ResolveAsync("b.example"))!.IdentityToken);
        Assert.Equal("bearer-c", (await provider.ResolveAsync("c.example"))!.RegistryToken);
        Assert.Null(await provider.ResolveAsync("d.example"));
    }

    [Fact]
    public void Credentials_print_redacted()
    {
        var credential = new RegistryCredential { Username = "alice", Password = "hunter2", IdentityToken = "tok-123", Source = "/x/config.json" };
        var text = credential.ToString();
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("tok-123", text);
        Assert.Contains("/x/config.json", text);
    }

    [Theory]
    [InlineData("{\"auths\": {\"r.example\": {\"auth\": \"x\"}", "not valid JSON")]
    [InlineData("[1,2]", "top level must be a JSON object")]
    [InlineData("{\"auths\": []}", "\"auths\" must be an object")]
    [InlineData("{\"auths\": {\"r.example\": \"abc\"}}", "auths.\"r.example\" must be an object")]
    [InlineData("{\"auths\": {\"r.example\": {\"auth\": \"%%%not-base64%%%\"}}}", "auths.\"r.example\".auth is not valid base64")]
    [InlineData("{\"auths\": {\"r.example\": {\"auth\": \"bm9jb2xvbg==\"}}}", "without a ':'")]
    [InlineData("{\"auths\": {\"r.example\": {\"password\": 42}}}", "auths.\"r.example\".password must be a string")]
    [InlineData("{\"credHelpers\": {\"r.example\": 1}}", "credHelpers.\"r.example\" must be a helper name")]
    [InlineData("{\"credsStore\": []}", "\"credsStore\" must be a helper name")]
    public async Task A_malformed_config_is_an_error_naming_the_file_and_the_problem(string json, string expected)
    {
        var path = Config("config.json", json);
        var provider = new DockerConfigCredentials(path, Env(), _dir.Path);
        var e = await Assert.ThrowsAsync<CredentialConfigException>(() => provider.ResolveAsync("r.example"));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("%%%not-base64%%%", e.Message);
        Assert.DoesNotContain("bm9jb2xvbg", e.Message);
    }

    [Fact]
    public async Task Malformed_json_reports_the_line()
    {
        var path = Config("config.json", "{\n  \"auths\": {\n    \"r.example\": {\"auth\": \"x\",,}\n  }\n}");
        var e = await Assert.ThrowsAsync<CredentialConfigException>(() => new DockerConfigCredentials(path, Env(), _dir.Path).ResolveAsync("r.example"));
        Assert.Contains("line 3", e.Message);
    }

    private string Helper(string name, string script)
    {
        var bin = _dir.Combine("bin");
        Directory.CreateDirectory(bin);
        var path = Path.Combine(bin, "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    [Fact]
    public async Task CredHelpers_win_over_auths_and_receive_the_server_url_on_stdin()
    {
        // The helper echoes what it read on stdin into the user name, so the test sees the protocol exchange.
        var bin = Helper("fake", """
            [ "$1" = get ] || exit 3
            read server
            printf '{"ServerURL":"%s","Username":"via-%s","Secret":"helper-secret"}' "$server" "$server"
            """);
        var path = Config("config.json", "{\"auths\":{\"r.example:5000\":{\"auth\":\"" + B64("plain:pw") + "\"}},\"credHelpers\":{\"r.example:5000\":\"fake\"}}");
        var credential = await new DockerConfigCredentials(path, Env(path: bin + ":/usr/bin:/bin"), _dir.Path).ResolveAsync("r.example:5000");
        Assert.Equal("via-r.example:5000", credential!.Username);
        Assert.Equal("helper-secret", credential.Password);
        Assert.Contains("docker-credential-fake", credential.Source);
    }

    [Fact]
    public async Task A_helper_answering_with_the_token_user_gives_an_identity_token()
    {
        var bin = Helper("tok", """printf '{"Username":"<token>","Secret":"refresh-xyz"}'""");
        var path = Config("config.json", """{"credsStore":"tok"}""");
        var credential = await new DockerConfigCredentials(path, Env(path: bin), _dir.Path).ResolveAsync("any.example");
        Assert.Equal("refresh-xyz", credential!.IdentityToken);
        Assert.Null(credential.Password);
    }

    [Fact]
    public async Task CredsStore_without_an_entry_falls_back_to_auths()
    {
        var bin = Helper("empty", "echo 'credentials not found in native keychain'\nexit 1\n");
        var path = Config("config.json", "{\"credsStore\":\"empty\",\"auths\":{\"r.example\":{\"auth\":\"" + B64("u:p") + "\"}}}");
        var credential = await new DockerConfigCredentials(path, Env(path: bin), _dir.Path).ResolveAsync("r.example");
        Assert.Equal("u", credential!.Username);
        Assert.Equal(path, credential.Source);
    }

    [Fact]
    public async Task A_missing_or_failing_helper_is_an_error_naming_it_and_the_config()
    {
        var path = Config("config.json", """{"credHelpers":{"r.example":"absent"}}""");
        var e = await Assert.ThrowsAsync<CredentialConfigException>(() => new DockerConfigCredentials(path, Env(path: _dir.Path), _dir.Path).ResolveAsync("r.example"));
        Assert.Contains("docker-credential-absent", e.Message);
        Assert.Contains(path, e.Message);

        var bin = Helper("broken", "echo 'secret-in-stderr' >&2\nexit 7\n");
        var path2 = Config("config2.json", """{"credHelpers":{"r.example":"broken"}}""");
        var e2 = await Assert.ThrowsAsync<CredentialConfigException>(() => new DockerConfigCredentials(path2, Env(path: bin), _dir.Path).ResolveAsync("r.example"));
        Assert.Contains("exit code 7", e2.Message);
        Assert.DoesNotContain("secret-in-stderr", e2.Message);
    }
}
