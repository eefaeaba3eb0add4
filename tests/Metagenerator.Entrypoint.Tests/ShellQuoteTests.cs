using Metagenerator.Entrypoint.Script;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Entrypoint.Tests;

[Tier(Tier.Unit)]
public class ShellQuoteTests
{
    [Theory]
    [InlineData("", "''")]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(x) `y` \"z\" \\n", "'$(x) `y` \"z\" \\n'")]
    public void Single_quotes_everything(string text, string expected) => Assert.Equal(expected, ShellQuote.Literal(text));

    [Fact]
    public void Refuses_NUL() => Assert.Throws<ArgumentException>(() => ShellQuote.Literal("a\0b"));
}
