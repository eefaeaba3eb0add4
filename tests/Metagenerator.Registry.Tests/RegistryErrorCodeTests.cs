using System.Net;
using System.Text;
using Metagenerator.Registry.Http;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>The Distribution spec's error codes, read from an error body, and the one way a request's failure is worded.</summary>
[Tier(Tier.Unit)]
public sealed class RegistryErrorCodeTests
{
    [Theory]
    [InlineData("BLOB_UNKNOWN", RegistryErrorCode.BlobUnknown)]
    [InlineData("BLOB_UPLOAD_INVALID", RegistryErrorCode.BlobUploadInvalid)]
    [InlineData("BLOB_UPLOAD_UNKNOWN", RegistryErrorCode.BlobUploadUnknown)]
    [InlineData("DIGEST_INVALID", RegistryErrorCode.DigestInvalid)]
    [InlineData("MANIFEST_BLOB_UNKNOWN", RegistryErrorCode.ManifestBlobUnknown)]
    [InlineData("MANIFEST_INVALID", RegistryErrorCode.ManifestInvalid)]
    [InlineData("MANIFEST_UNKNOWN", RegistryErrorCode.ManifestUnknown)]
    [InlineData("NAME_INVALID", RegistryErrorCode.NameInvalid)]
    [InlineData("NAME_UNKNOWN", RegistryErrorCode.NameUnknown)]
    [InlineData("SIZE_INVALID", RegistryErrorCode.SizeInvalid)]
    [InlineData("UNAUTHORIZED", RegistryErrorCode.Unauthorized)]
    [InlineData("DENIED", RegistryErrorCode.Denied)]
    [InlineData("UNSUPPORTED", RegistryErrorCode.Unsupported)]
    [InlineData("TOOMANYREQUESTS", RegistryErrorCode.TooManyRequests)]
    [InlineData("UNKNOWN", RegistryErrorCode.Unknown)]
    [InlineData("QUOTA_EXCEEDED", RegistryErrorCode.Unlisted)]
    [InlineData("blob_unknown", RegistryErrorCode.Unlisted)]
    public void An_error_body_code_is_read_as_the_spec_code(string code, RegistryErrorCode expected)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"errors":[{"code":"{{code}}","message":"m"}]}""");
        var error = Assert.Single(ErrorFactory.ParseErrors(body));
        Assert.Equal(expected, error.ErrorCode);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task A_failed_response_keeps_the_codes_and_names_the_request_once()
    {
        var ctx = new RegistryRequestContext("reading manifest 1", "from", "r.example:5000", "base", RegistryRequestContext.Pull("base"))
        {
            Origin = new Uri("https://r.example:5000"),
        };
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("""{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"},{"code":"DENIED","message":"no"}]}"""),
        };
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        var e = await ErrorFactory.FromResponseAsync(response, ctx, AnonymousCredentials.Instance, CancellationToken.None);

        Assert.True(e.HasError(RegistryErrorCode.TooManyRequests));
        Assert.True(e.HasError(RegistryErrorCode.Denied));
        Assert.False(e.HasError(RegistryErrorCode.BlobUnknown));
        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
        Assert.True(e.IsTransient);
        Assert.Equal(("reading manifest 1", "r.example:5000", "base"), (e.Operation, e.Registry, e.Repository));
        Assert.StartsWith("reading manifest 1 from r.example:5000/base: 429 ", e.Message);
        Assert.Equal(1, CountOf(e.Message, "r.example:5000/base"));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
