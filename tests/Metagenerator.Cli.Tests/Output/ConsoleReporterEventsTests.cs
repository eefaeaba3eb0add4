using Metagenerator.Cli.Output;
using Metagenerator.Oci;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests.Output;

/// <summary>The console reporter as the one <see cref="IEvents"/> of the CLI: each kind of event at its verbosity, every text line redacted.</summary>
[Tier(Tier.Unit)]
public class ConsoleReporterEventsTests
{
    private static string[] Lines(Verbosity verbosity, Action<IEvents> report)
    {
        var output = new StringWriter();
        report(new ConsoleReporter(verbosity, output, interactive: false));
        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    private static void AllKinds(IEvents events)
    {
        events.Info("step");
        events.Waiting("waiting for r.example: reading manifest 1 (10 s so far)");
        events.Debug("detail");
        events.Request("GET r.example/v2/ -> 200 (3 ms)");
    }

    [Theory]
    [InlineData(Verbosity.Warn, new string[0])]
    [InlineData(Verbosity.Info, new[] { "step", "waiting for r.example: reading manifest 1 (10 s so far)" })]
    [InlineData(Verbosity.Debug, new[] { "step", "waiting for r.example: reading manifest 1 (10 s so far)", "detail" })]
    [InlineData(Verbosity.Trace, new[] { "step", "waiting for r.example: reading manifest 1 (10 s so far)", "detail", "GET r.example/v2/ -> 200 (3 ms)" })]
    public void Steps_and_waits_show_at_info_details_at_debug_requests_at_trace(Verbosity verbosity, string[] expected)
    {
        Assert.Equal(expected, Lines(verbosity, AllKinds));
    }

    [Fact]
    public void Every_kind_of_text_line_is_redacted_and_escaped()
    {
        var lines = Lines(Verbosity.Trace, events =>
        {
            events.Info("info Bearer s3cr3t-info");
            events.Waiting("waiting token=s3cr3t-wait\x1b[2J");
            events.Debug("debug \"password\": \"s3cr3t-debug\"");
            events.Request("GET r.example/v2/ -> failed: Basic s3cr3t-request");
        });

        Assert.Equal(4, lines.Length);
        Assert.DoesNotContain(lines, l => l.Contains("s3cr3t", StringComparison.Ordinal) || l.Contains('\x1b'));
        Assert.Equal("info Bearer ***", lines[0]);
    }

    [Fact]
    public void Prefixed_events_put_the_prefix_before_each_line_and_keep_the_redaction()
    {
        var lines = Lines(Verbosity.Trace, events => AllKinds(new PrefixedEvents(events, "generate: ")));

        Assert.All(lines, l => Assert.StartsWith("generate: ", l, StringComparison.Ordinal));
        Assert.Equal(4, lines.Length);
        Assert.Equal(["generate: x Basic ***"], Lines(Verbosity.Info, events => new PrefixedEvents(events, "generate: ").Info("x Basic abc")));
    }
}
