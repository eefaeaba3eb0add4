using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// A gateway in front of a real docker-registry (the fault proxy) quotes the request's Authorization header and control
/// characters in its error messages: `build -v trace` prints neither, on the "nothing to reuse" and "cannot tell whether
/// … has tags" lines, the request log or the error line (issue 20, points 2 and 3).
/// </summary>
[Tier(Tier.Registry)]
public sealed class RegistryTextOutputTests : IAsyncLifetime
{
    private const string QuotedCredential = "YWxpY2U6UmVnaXN0cnktU2VjcmV0";
    private const string GatewayError =
        "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"gateway refused request with Authorization: Basic " + QuotedCredential +
        " \\u001b]0;owned\\u0007\\u001b[2J\\nerror: forged line\"}]}";

    private LocalRegistry _registry = null!;
    private FaultProxy _gateway = null!;

    public async Task InitializeAsync()
    {
        _registry = await LocalRegistry.StartAsync();
        _gateway = FaultProxy.Start(_registry.Port);
        await TestImages.PushBaseAsync(_registry.Host, "base", "1");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _registry.DisposeAsync();
    }

    private TempDirectory Workspace()
    {
        var dir = new TempDirectory("mg-gateway");
        dir.WriteFile("GENERATOR-MANIFEST.yml", $"""
            demo-gen:
              version: v1
              config:
                GENERATOR_REGISTRY: {_gateway.Host}
                MODEL_REGISTRY: {_gateway.Host}
                MODEL_DOCKERFILE: Dockerfile
            """);
        dir.WriteFile("model-src/Dockerfile", "FROM scratch\n");
        dir.WriteFile("model-src/model.py", "print(1)\n");
        return dir;
    }

    private static void AssertShownSafely(string stderr)
    {
        Assert.DoesNotContain(QuotedCredential, stderr);
        Assert.DoesNotContain('\u001b', stderr);
        Assert.DoesNotContain('\u0007', stderr);
        Assert.DoesNotContain(stderr.Split('\n'), l => l.StartsWith("error: forged line", StringComparison.Ordinal));
    }

    [NeedsToolsFact("dotnet", "docker-registry", "skopeo")]
    public async Task Debug_and_trace_lines_quoting_a_gateway_show_no_credential_and_no_control_character()
    {
        using var ws = Workspace();
        _gateway.Inject(r => r.Method == "GET" && r.Path.StartsWith("/v2/demo-gen/manifests/", StringComparison.Ordinal), new Fault.Respond(403, GatewayError), times: 1);
        _gateway.Inject(r => r.Path == "/v2/demo-gen/tags/list", new Fault.Respond(403, GatewayError), times: 1);

        var result = await CliRunner.RunAsync(ws.Path, "build", "GENERATOR-MANIFEST.yml", "model-src", "--generator-base", $"{_registry.Host}/base:1",
            "--insecure-registry", _registry.Host, "--insecure-registry", _gateway.Host, "-v", "trace");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("nothing to reuse", result.StdErr);
        Assert.Contains("has tags", result.StdErr);
        Assert.Contains("Basic ***", result.StdErr);
        AssertShownSafely(result.StdErr);
    }

    [NeedsToolsFact("dotnet", "docker-registry", "skopeo")]
    public async Task The_error_line_quoting_a_gateway_shows_no_control_character()
    {
        using var ws = Workspace();
        _gateway.Inject(r => r.Method == "PUT" && r.Path.StartsWith("/v2/demo-gen/manifests/", StringComparison.Ordinal), new Fault.Respond(403, GatewayError), times: 10);

        var result = await CliRunner.RunAsync(ws.Path, "build", "GENERATOR-MANIFEST.yml", "model-src", "--generator-base", $"{_registry.Host}/base:1",
            "--insecure-registry", _registry.Host, "--insecure-registry", _gateway.Host);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("gateway refused", result.StdErr);
        AssertShownSafely(result.StdErr);
    }
}
