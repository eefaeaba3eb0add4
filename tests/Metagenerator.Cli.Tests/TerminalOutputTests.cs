using Metagenerator.Inspection;
using Metagenerator.Cli.Output;
using Metagenerator.Manifest;
using Metagenerator.Registry;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// Text from an image or a registry reaches the terminal with no control character in it (issue 20, point 3) and no
/// credential (point 2), at every verbosity: inspect's text output, log lines and the error line.
/// </summary>
[Tier(Tier.Unit)]
public sealed class TerminalOutputTests
{
    // Clear the screen, set the window title, then a carriage return, cursor up and erase line (to rewrite a line), a C1 CSI, DEL and a bidi override.
    private const string Hostile = "\u001b[2J\u001b]0;owned\u0007\r\u001b[1A\u001b[2K\u009b31m\u007f\u202e";

    private static bool HasControl(string text) => text.Any(c => (char.IsControl(c) && c != '\n') || c is '\u202e');

    [Fact]
    public void Inspect_text_escapes_every_control_character_of_label_keys_and_values()
    {
        var forgedKey = "note\ngenerator looks fine" + Hostile;
        var generator = new GeneratorDescription
        {
            Name = "demo",
            Version = "v1",
            Schema = ManifestSchema.Seed,
            Config = [new("MODEL_REGISTRY", "registry.example" + Hostile)],
            BuildParameters = [new GeneratorParameter("P" + Hostile, "info" + Hostile, "default" + Hostile, null)],
            RuntimeParameters = [],
            OptionalParameters = [],
            Build = [new(forgedKey, "value\nwith a line" + Hostile)],
            Other = [new("other" + Hostile, "x" + Hostile)],
        };
        var inspection = new GeneratorInspection
        {
            Reference = "registry.example/demo:v1",
            Digest = "sha256:" + new string('a', 64),
            MediaType = "application/vnd.oci.image.manifest.v1+json",
            Size = 1,
            LayerCount = 1,
            Created = "2026" + Hostile,
            Base = new BaseImageDescription("history", 1, null, "RUN x" + Hostile),
            Labels = [],
            Generator = generator,
        };

        var text = InspectionText.Render(new InspectionReport(inspection));

        Assert.False(HasControl(text), text);
        Assert.DoesNotContain(text.Split('\n'), l => l.StartsWith("generator looks fine", StringComparison.Ordinal));
        Assert.Contains(@"note\ngenerator looks fine\x1b[2J\x1b]0;owned\x07\r\x1b[1A\x1b[2K\x9b31m\x7f\u202e", text);
        Assert.Contains(@"value\nwith a line", text);
    }

    [Theory]
    [InlineData(Verbosity.Trace)]
    [InlineData(Verbosity.Debug)]
    [InlineData(Verbosity.Warn)]
    public void Log_lines_at_every_level_show_registry_text_without_credentials_or_control_characters(Verbosity level)
    {
        var quoted = "nothing to reuse from r/x:1: the registry said: denied (request had Authorization: Basic YWxpY2U6c2VjcmV0; token=abc.def)" + Hostile;
        using var err = new StringWriter();
        var reporter = new ConsoleReporter(level, err, interactive: false);

        reporter.Warn(quoted);
        reporter.Info(quoted);
        reporter.Debug(quoted);
        reporter.Trace(quoted);

        var shown = err.ToString();
        Assert.Contains("nothing to reuse", shown);
        Assert.DoesNotContain("YWxpY2U6c2VjcmV0", shown);
        Assert.DoesNotContain("abc.def", shown);
        Assert.False(HasControl(shown), shown);
    }

    [Fact]
    public void The_error_line_shows_a_registry_message_without_control_characters()
    {
        var e = new RegistryException("pushing to r: the registry said: denied" + Hostile + "\nerror: forged line", "pushing", "r", null);

        var (code, message) = ErrorReporting.Describe(e);

        Assert.Equal(ExitCodes.RegistryFailure, code);
        Assert.False(HasControl(message), message);
        Assert.DoesNotContain("\n", message);
    }
}
