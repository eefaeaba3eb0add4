using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Metagenerator.Docker;
using Metagenerator.Manifest;
using Metagenerator.Oci.Text;

namespace Metagenerator.Cli;

/// <summary>Maps failures to a message and an exit code (README: exit codes). The only place that knows both.</summary>
public static partial class ErrorReporting
{
    /// <summary>The exit code and the text to print for <paramref name="e"/>.</summary>
    public static (int Code, string Message) Describe(Exception e) => e switch
    {
        ManifestException m => (ExitCodes.InvalidInput, string.Join(Environment.NewLine, m.Errors)),
        DockerEngineException { Failure: DockerEngineFailure.Unreachable or DockerEngineFailure.PermissionDenied or DockerEngineFailure.Refused } d
            => (ExitCodes.EngineFailure, "error: " + Redacted(d.Message)),
        MetageneratorException { Category: ErrorCategory.Bug } m => Bug(m),
        MetageneratorException m => (CodeFor(m.Category), "error: " + Shown(m.Message) + RemedyText(m.Remedy)),
        // Local files the user named (outputs, inputs) that the OS refused: the user can fix those.
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException
            => (ExitCodes.InvalidInput, "error: " + Shown(e.Message)),
        OperationCanceledException => (ExitCodes.Unexpected, "error: cancelled"),
        _ => Bug(e),
    };

    /// <summary>The exit code (128 + the signal's number, as shells report it) and the one-line message for a run stopped by <paramref name="signal"/>.</summary>
    public static (int Code, string Message) Interrupted(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => (ExitCodes.Interrupted, "error: interrupted (SIGINT); stopped, scratch files removed"),
        PosixSignal.SIGTERM => (ExitCodes.Terminated, "error: terminated (SIGTERM); stopped, scratch files removed"),
        _ => (ExitCodes.Unexpected, $"error: stopped by signal {signal}"),
    };

    /// <summary>The exit code of a category.</summary>
    public static int CodeFor(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidInput => ExitCodes.InvalidInput,
        ErrorCategory.Registry => ExitCodes.RegistryFailure,
        _ => ExitCodes.Unexpected,
    };

    /// <summary>A remedy in the CLI's terms (flag names), as a sentence to append to a message; empty when there is none.</summary>
    public static string RemedyText(Remedy? remedy) => remedy is null ? "" : remedy.Kind switch
    {
        RemedyKind.TrustRegistryCertificate =>
            $"; to trust its CA pass --registry-certificate {remedy.Registry}=CA.pem; to skip verification for it (insecure) pass --skip-tls-verify-registry {remedy.Registry}; if it only speaks plain HTTP, pass --insecure-registry {remedy.Registry}",
        RemedyKind.SkipTlsVerification => $"; to skip verification for it (insecure) pass --skip-tls-verify-registry {remedy.Registry}",
        RemedyKind.AllowPlainHttp => $"; if {remedy.Registry} is meant to be reached without TLS, pass --insecure-registry {remedy.Registry}",
        RemedyKind.UseHttps => $"; {remedy.Registry} speaks HTTPS: drop --insecure / --insecure-registry {remedy.Registry}",
        RemedyKind.ProvideCredentials =>
            $"; add an \"auths\" entry for {remedy.Registry} to a Docker config.json (docker login {remedy.Registry}) and pass it with --config",
        RemedyKind.ChoosePlatform => $"; choose one with --custom-platform{(remedy.Detail is null ? "" : $" ({remedy.Detail})")}",
        RemedyKind.ChooseImageReference => "",
        _ => "",
    };

    private static (int, string) Bug(Exception e) =>
        (ExitCodes.Unexpected, $"error: unexpected failure (a bug in metagenerator; please report it): {Shown(e.Message)}");

    /// <summary>
    /// A line of diagnostics as it may be printed: credentials blanked (<see cref="Redacted"/>), control characters escaped
    /// (<see cref="TerminalText.Escape"/>). Every message and log line goes through it, whatever the verbosity, since any
    /// of them may quote a registry.
    /// </summary>
    public static string Shown(string line) => TerminalText.Escape(Redacted(line));

    /// <summary>Several lines (a stack trace), each <see cref="Shown"/>.</summary>
    public static string ShownLines(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(l => Shown(l.TrimEnd('\r'))));

    /// <summary>Blanks anything that looks like a credential, as a last line of defence.</summary>
    public static string Redacted(string text) => SecretPattern().Replace(text, "$1***");

    [GeneratedRegex("""((?:"?(?:auth|password|identitytoken|registrytoken|token|access_token|Secret)"?\s*[:=]\s*"?)|(?:Basic |Bearer ))[^\s",}]+""", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();
}
