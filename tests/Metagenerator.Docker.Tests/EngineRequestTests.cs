using System.Text;
using System.Text.Json.Nodes;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Docker.Tests;

/// <summary>What is sent to the engine: the container of the Model API's run, the pull's X-Registry-Auth, DOCKER_HOST, redaction.</summary>
[Tier(Tier.Unit)]
public class EngineRequestTests
{
    private static readonly ModelApiRequest Request = new()
    {
        Generator = Generators.Seed(),
        ModelName = "grid-a",
        ModelTag = "v1",
        Parameters = [new("CONFIG_FILE", "/config/b.yml")],
        SkipTlsVerify = true,
        Created = new DateTimeOffset(2026, 11, 30, 1, 9, 41, TimeSpan.Zero),
    };

    [Fact]
    public void The_container_has_the_Model_APIs_environment_the_credentials_read_only_and_nothing_else()
    {
        var spec = GeneratorRunner.ContainerFor(Request, new GeneratorRunOptions { Image = "r/g:v3", ConfigJsonPath = "/home/u/config.json" });

        Assert.Equal("r/g:v3", spec.Image);
        Assert.Equal(["CONFIG_FILE=/config/b.yml", "MODEL_NAME=grid-a", "MODEL_TAG=v1", "CREATED=2026-11-30T01:09:41+00:00", "EXTRA_FLAGS=--skip-tls-verify --cache=true"], spec.Environment);
        Assert.Equal(["/home/u/config.json:/workspace/config.json:ro"], spec.Binds);
        Assert.Null(spec.NetworkMode);
        Assert.Empty(spec.SecurityOptions);
    }

    [Fact]
    public void What_the_user_adds_comes_after_the_Model_APIs_run()
    {
        var spec = GeneratorRunner.ContainerFor(Request, new GeneratorRunOptions
        {
            Image = "r/g:v3", ConfigJsonPath = "/c.json", NetworkMode = "host", SecurityOptions = ["seccomp=unconfined"], ExtraEnvironment = [new("BUILDKIT_HOST", "tcp://b:1234")],
        });

        Assert.Equal("EXTRA_FLAGS=--skip-tls-verify --cache=true", spec.Environment[^2]);
        Assert.Equal("BUILDKIT_HOST=tcp://b:1234", spec.Environment[^1]);
        Assert.Equal("host", spec.NetworkMode);
        Assert.Equal(["seccomp=unconfined"], spec.SecurityOptions);
    }

    [Fact]
    public void X_Registry_Auth_is_base64url_JSON_of_the_credentials()
    {
        // A password whose base64 has '+' and '/' shows the URL-safe alphabet.
        var value = DockerEngineClient.EncodeAuth(new RegistryAuth { Username = "modeller", Password = "s3cret??>>", ServerAddress = "127.0.0.1:5000" });

        Assert.DoesNotContain('+', value);
        Assert.DoesNotContain('/', value);
        var json = JsonNode.Parse(Convert.FromBase64String(value.Replace('-', '+').Replace('_', '/')))!.AsObject();
        Assert.Equal("modeller", (string?)json["username"]);
        Assert.Equal("s3cret??>>", (string?)json["password"]);
        Assert.Equal("127.0.0.1:5000", (string?)json["serveraddress"]);
        Assert.False(json.ContainsKey("identitytoken"));
        Assert.Equal("registry auth for 127.0.0.1:5000 (redacted)", new RegistryAuth { Password = "p", ServerAddress = "127.0.0.1:5000" }.ToString());
    }

    [Theory]
    [InlineData(null, "/var/run/docker.sock", "http://docker/")]
    [InlineData("", "/var/run/docker.sock", "http://docker/")]
    [InlineData("unix:///tmp/mgd-1/docker.sock", "/tmp/mgd-1/docker.sock", "http://docker/")]
    [InlineData("tcp://127.0.0.1:2375", null, "http://127.0.0.1:2375/")]
    public void DOCKER_HOST_names_a_unix_socket_or_plain_TCP(string? dockerHost, string? socket, string baseAddress)
    {
        var endpoint = EngineEndpoint.Parse(dockerHost);
        Assert.Equal(socket, endpoint.SocketPath);
        Assert.Equal(baseAddress, endpoint.BaseAddress.ToString());
    }

    [Theory]
    [InlineData("ssh://user@host")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("unix://")]
    public void Other_DOCKER_HOST_schemes_are_refused_by_name(string dockerHost)
    {
        var e = Assert.Throws<DockerEngineException>(() => EngineEndpoint.Parse(dockerHost));
        Assert.Equal(DockerEngineFailure.Unreachable, e.Failure);
        Assert.Contains(dockerHost, e.Message);
    }

    [Fact]
    public async Task No_engine_at_the_socket_says_so()
    {
        using var client = new DockerEngineClient(EngineEndpoint.Parse("unix:///nonexistent/docker.sock"));
        var e = await Assert.ThrowsAsync<DockerEngineException>(() => client.VersionAsync());
        Assert.Equal(DockerEngineFailure.Unreachable, e.Failure);
        Assert.Contains("there is no socket /nonexistent/docker.sock", e.Message);
    }

    [Theory]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("api_key", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("CLIENT_SECRET", true)]
    [InlineData("GRID_DATA", false)]
    public void Secret_names_are_those_with_PASSWORD_SECRET_TOKEN_or_KEY(string name, bool secret) =>
        Assert.Equal(secret, SecretRedaction.IsSecretName(name));

    [Fact]
    public void Secrets_are_blanked_wherever_they_appear()
    {
        var redaction = new SecretRedaction(["hunter22", "bW9kZWxsZXI6aHVudGVyMjI=", null, ""]);

        Assert.Equal("login with *** (auth ***)", redaction.Text("login with hunter22 (auth bW9kZWxsZXI6aHVudGVyMjI=)"));
        Assert.Equal("***", redaction.Value("DB_PASSWORD", "anything"));
        Assert.Equal("/grid/***.json", redaction.Value("GRID_DATA", "/grid/hunter22.json"));
    }
}
