using System.Text.RegularExpressions;
using Metagenerator.Build;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Cli;

/// <summary>Maps failures to a message and an exit code (README: exit codes).</summary>
public static partial class ErrorReporting
{
    /// <summary>The exit code and the text to print for <paramref name="e"/>.</summary>
    public static (int Code, string Message) Describe(Exception e) => e switch
    {
        ManifestException m => (ExitCodes.InvalidInput, string.Join(Environment.NewLine, m.Errors)),
        UsageException or InvalidReferenceException or LayerBuildException or OciLayoutException or CredentialConfigException or FormatException or ArgumentException
            => (ExitCodes.InvalidInput, "error: " + Redacted(e.Message)),
        FileNotFoundException or DirectoryNotFoundException => (ExitCodes.InvalidInput, "error: " + Redacted(e.Message)),
        RegistryException => (ExitCodes.RegistryFailure, "error: " + Redacted(e.Message)),
        HttpRequestException => (ExitCodes.RegistryFailure, "error: registry request failed: " + Redacted(e.Message)),
        OperationCanceledException => (ExitCodes.Unexpected, "error: cancelled"),
        UnauthorizedAccessException or IOException => (ExitCodes.InvalidInput, "error: " + Redacted(e.Message)),
        _ => (ExitCodes.Unexpected, $"error: unexpected failure (a bug in metagenerator; please report it): {Redacted(e.Message)}"),
    };

    /// <summary>Blanks anything that looks like a credential, as a last line of defence.</summary>
    public static string Redacted(string text) => SecretPattern().Replace(text, "$1***");

    [GeneratedRegex("""((?:"?(?:auth|password|identitytoken|registrytoken|token|access_token|Secret)"?\s*[:=]\s*"?)|(?:Basic |Bearer ))[^\s",}]+""", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();
}
