using System.Reflection;
using System.Text;
using Metagenerator.Registry.Http;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>Small pure parts: challenge parsing, error bodies, scopes, backoff, host rules, dependencies.</summary>
[Tier(Tier.Unit)]
public sealed class RegistryUnitTests
{
    [Fact]
    public void Bearer_challenge_parameters_are_parsed_including_quoted_commas()
    {
        var p = AuthChallenge.ParseParameters("realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\", error=invalid_token");
        Assert.Equal("https://auth.example/token", p["realm"]);
        Assert.Equal("registry.example", p["service"]);
        Assert.Equal("repository:a/b:pull,push", p["scope"]);
        Assert.Equal("invalid_token", p["error"]);
        Assert.Equal("a\"b", AuthChallenge.ParseParameters("realm=\"a\\\"b\"")["realm"]);
        Assert.Empty(AuthChallenge.ParseParameters(""));
    }

    [Fact]
    public void Registry_error_bodies_are_parsed_and_garbage_is_tolerated()
    {
        var errors = ErrorFactory.ParseErrors(Encoding.UTF8.GetBytes(
            """{"errors":[{"code":"DENIED","message":"requested access to the resource is denied","detail":{"x":1}},{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}"""));
        Assert.Equal(2, errors.Count);
        Assert.Equal(new RegistryError("DENIED", "requested access to the resource is denied", """{"x":1}"""), errors[0]);
        Assert.Equal("BLOB_UNKNOWN: blob unknown", errors[1].ToString());
        Assert.Empty(ErrorFactory.ParseErrors("<html>502 Bad Gateway</html>"u8));
        Assert.Empty(ErrorFactory.ParseErrors("{\"errors\":42}"u8));
        Assert.Empty(ErrorFactory.ParseErrors([]));
    }

    [Fact]
    public void A_push_scope_covers_pull_but_not_other_repositories()
    {
        var push = ScopeSet.Parse(["repository:gen:pull,push", "repository:base:pull"]);
        Assert.True(push.Covers(ScopeSet.Parse(["repository:gen:pull"])));
        Assert.True(push.Covers(ScopeSet.Parse(["repository:base:pull", "repository:gen:push"])));
        Assert.False(push.Covers(ScopeSet.Parse(["repository:base:push"])));
        Assert.False(push.Covers(ScopeSet.Parse(["repository:other:pull"])));
        Assert.False(ScopeSet.Parse(["repository:gen:pull"]).Covers(ScopeSet.Parse(["repository:gen:pull,push"])));
    }

    [Fact]
    public void Backoff_grows_exponentially_is_capped_and_honours_a_longer_retry_after()
    {
        var options = new RegistryOptions { RetryBaseDelay = TimeSpan.FromSeconds(1) };
        Assert.InRange(RetryHandler.Backoff(options, 0, null), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
        Assert.InRange(RetryHandler.Backoff(options, 3, null), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(9.6));
        Assert.InRange(RetryHandler.Backoff(options, 40, null), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(36));
        Assert.Equal(TimeSpan.FromSeconds(20), RetryHandler.Backoff(options, 0, TimeSpan.FromSeconds(20)));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryHandler.Backoff(options, 0, TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(501, false)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    public void Transient_statuses(int status, bool transient) =>
        Assert.Equal(transient, ErrorFactory.IsTransientStatus((System.Net.HttpStatusCode)status));

    [Fact]
    public void Plain_http_is_chosen_per_host_or_for_all()
    {
        var options = new RegistryOptions { InsecureRegistries = new HashSet<string> { "a.example:5000", "b.example" } };
        Assert.True(options.IsPlainHttp("a.example:5000"));
        Assert.True(options.IsPlainHttp("b.example:443"));
        Assert.False(options.IsPlainHttp("a.example:6000"));
        Assert.False(options.IsPlainHttp("c.example"));
        Assert.True((options with { Insecure = true }).IsPlainHttp("c.example"));
        Assert.Equal("::1", RegistryOptions.HostOnly("[::1]:5000"));
        Assert.Equal("127.0.0.1", RegistryOptions.HostOnly("127.0.0.1:5000"));
    }

    [Fact]
    public void The_registry_library_depends_only_on_the_base_class_library_and_the_image_model()
    {
        var references = typeof(RegistryClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = references.Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib" or "Metagenerator.Oci" or "Metagenerator.Errors" or "Metagenerator.HostFiles" || n.StartsWith("Microsoft.Win32", StringComparison.Ordinal))).ToList();
        Assert.Empty(foreign);
    }

    // No registry needed: the client refuses a missing CA file when it is made.
    [Fact]
    public void A_missing_registry_certificate_file_is_a_clear_error_of_invalid_input()
    {
        // A local file the user named: invalid input (exit 2), not a registry failure.
        var e = Assert.Throws<InvalidInputException>(() => new RegistryClient(new RegistryOptions { RegistryCertificates = new Dictionary<string, string> { ["r.example"] = "/nonexistent/ca.pem" } }));
        Assert.Contains("/nonexistent/ca.pem given for r.example", e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.Equal(ErrorCategory.InvalidInput, e.Category);
    }
}
