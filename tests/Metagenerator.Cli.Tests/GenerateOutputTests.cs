using System.Text;
using Metagenerator.Cli;
using Metagenerator.Cli.Commands;
using Metagenerator.Docker;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary><c>generate</c>'s pure parts in the CLI: the line relay that blanks secrets in the generator's output, and --timeout.</summary>
[Tier(Tier.Unit)]
public class GenerateOutputTests
{
    [Fact]
    public void A_secret_cut_by_frame_boundaries_is_still_blanked_and_lines_come_out_whole()
    {
        var target = new StringWriter();
        using var relay = new RedactingRelay(target, new SecretRedaction(["hunter22"]));

        // The engine may cut its frames anywhere, also inside the secret and inside a UTF-8 sequence.
        foreach (var piece in new[] { "login hun", "ter22 ok\nnext: gr", "\u00fc", "n\npartial" })
        {
            relay.Write(Encoding.UTF8.GetBytes(piece));
        }
        Assert.Equal("login *** ok\nnext: gr\u00fcn\n", target.ToString());
        relay.Flush();
        Assert.Equal("login *** ok\nnext: gr\u00fcn\npartial", target.ToString());
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    public void Timeouts_are_seconds_or_h_m_s(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationParser.Parse(text, "--timeout"));

    [Theory]
    [InlineData("ten minutes")]
    [InlineData("10x")]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("m")]
    public void Other_timeouts_are_refused_naming_the_flag(string text)
    {
        var e = Assert.Throws<UsageException>(() => DurationParser.Parse(text, "--timeout"));
        Assert.StartsWith($"--timeout '{text}'", e.Message);
    }
}
