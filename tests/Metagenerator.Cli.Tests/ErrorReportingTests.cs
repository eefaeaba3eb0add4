using System.Reflection;
using Metagenerator.Manifest;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

[Tier(Tier.Unit)]
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

    [Theory]
    [InlineData(System.Runtime.InteropServices.PosixSignal.SIGINT, 130, "SIGINT")]
    [InlineData(System.Runtime.InteropServices.PosixSignal.SIGTERM, 143, "SIGTERM")]
    public void A_run_stopped_by_a_signal_has_the_shell_exit_code_and_one_line_that_is_not_a_bug(System.Runtime.InteropServices.PosixSignal signal, int code, string name)
    {
        var (actual, message) = ErrorReporting.Interrupted(signal);
        Assert.Equal(code, actual);
        Assert.Contains(name, message);
        Assert.DoesNotContain("bug", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Exit_codes_come_from_the_category_not_the_exception_type()
    {
        Assert.Equal(ExitCodes.InvalidInput, ErrorReporting.Describe(new ManifestException([new ManifestError("m.yml", 1, 1, "x", "bad")])).Code);
        Assert.Equal(ExitCodes.InvalidInput, ErrorReporting.Describe(new UsageException("bad flag")).Code);
        Assert.Equal(ExitCodes.InvalidInput, ErrorReporting.Describe(new InvalidInputException("bad value")).Code);
        Assert.Equal(ExitCodes.RegistryFailure, ErrorReporting.Describe(new Registry.Errors.RegistryException("refused", "pushing", "r.example", null)).Code);
        Assert.Equal(ExitCodes.RegistryFailure, ErrorReporting.Describe(new Oci.Layout.OciLayoutException("/l", "corrupt blob", category: ErrorCategory.Registry)).Code);
    }

    [Theory]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(FormatException))]
    [InlineData(typeof(NullReferenceException))]
    [InlineData(typeof(InvalidOperationException))]
    public void A_library_bug_is_reported_as_a_bug_not_as_a_user_mistake(Type type)
    {
        var (code, message) = ErrorReporting.Describe((Exception)Activator.CreateInstance(type, "oops")!);
        Assert.Equal(ExitCodes.Unexpected, code);
        Assert.Contains("a bug in metagenerator", message);
    }

    [Fact]
    public void A_remedy_becomes_flag_names_only_in_the_cli()
    {
        var e = new Registry.Errors.RegistryException("r.example:5000: certificate not trusted", "pinging", "r.example:5000", null,
            remedy: new Remedy(RemedyKind.TrustRegistryCertificate, "r.example:5000"));
        var message = ErrorReporting.Describe(e).Message;
        Assert.Contains("--registry-certificate r.example:5000=CA.pem", message);
        Assert.DoesNotContain("--", e.Message);
    }

    /// <summary>Every exception type the libraries define carries a category, so a new type cannot fall through to "a bug".</summary>
    [Fact]
    public void Every_library_exception_type_has_a_category()
    {
        var libraries = new[] { typeof(MetageneratorException), typeof(ManifestException), typeof(Registry.Errors.RegistryException),
            typeof(Entrypoint.GeneratorInputException), typeof(Build.GeneratorBuild), typeof(UsageException),
            typeof(Oci.Layout.OciLayoutException), typeof(Inspection.GeneratorInspector) }
            .Select(t => t.Assembly).Distinct().ToList();
        Assert.Equal(8, libraries.Count);
        var exceptionTypes = libraries.SelectMany(a => a.GetTypes()).Where(t => typeof(Exception).IsAssignableFrom(t)).ToList();
        Assert.True(exceptionTypes.Count >= 10, $"found only {exceptionTypes.Count} exception types");
        var uncategorised = exceptionTypes.Where(t => !typeof(MetageneratorException).IsAssignableFrom(t)).Select(t => t.FullName).ToList();
        Assert.Empty(uncategorised);
        Assert.All(exceptionTypes.Where(t => !t.IsAbstract), t =>
            Assert.NotNull(t.GetProperty(nameof(MetageneratorException.Category), BindingFlags.Public | BindingFlags.Instance)));
    }
}
