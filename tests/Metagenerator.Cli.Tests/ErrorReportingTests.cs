using Metagenerator.Manifest;

namespace Metagenerator.Cli.Tests;

public class ErrorReportingTests
{
    [Theory]
    [InlineData("""{"auth": "dXNlcjpwYXNz"}""", "dXNlcjpwYXNz")]
    [InlineData("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz")]
    [InlineData("Authorization: Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi")]
    [InlineData("password=hunter2 user=alice", "hunter2")]
    [InlineData("identitytoken: \"abc123\"", "abc123")]
    public void Redaction_blanks_credentials_that_slip_into_a_message(string text, string secret)
    {
        var redacted = ErrorReporting.Redacted(text);
        Assert.DoesNotContain(secret, redacted);
        Assert.Contains("***", redacted);
    }

    [Fact]
    public void Exit_codes_separate_input_mistakes_from_registry_failures_and_bugs()
    {
        Assert.Equal(ExitCodes.InvalidInput, ErrorReporting.Describe(new ManifestException([new ManifestError("m.yml", 1, 1, "x", "bad")])).Code);
        Assert.Equal(ExitCodes.InvalidInput, ErrorReporting.Describe(new UsageException("bad flag")).Code);
        Assert.Equal(ExitCodes.RegistryFailure, ErrorReporting.Describe(new HttpRequestException("refused")).Code);
        var unexpected = ErrorReporting.Describe(new NullReferenceException("oops"));
        Assert.Equal(ExitCodes.Unexpected, unexpected.Code);
        Assert.Contains("a bug in metagenerator", unexpected.Message);
    }
}
