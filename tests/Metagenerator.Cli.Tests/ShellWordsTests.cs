using Metagenerator.TestSupport.Tiers;
namespace Metagenerator.Cli.Tests;

[Tier(Tier.Unit)]
public class ShellWordsTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("  --a   --b ", new[] { "--a", "--b" })]
    [InlineData("--label 'k=two words'", new[] { "--label", "k=two words" })]
    [InlineData("--label \"k=say \\\"hi\\\"\"", new[] { "--label", "k=say \"hi\"" })]
    [InlineData("--label k=a\\ b", new[] { "--label", "k=a b" })]
    [InlineData("--label '$(touch /tmp/pwned)'", new[] { "--label", "$(touch /tmp/pwned)" })]
    [InlineData("--label \"`id`;*\"", new[] { "--label", "`id`;*" })]
    [InlineData("a''b \"\"", new[] { "ab", "" })]
    [InlineData("--x\n--y\t--z", new[] { "--x", "--y", "--z" })]
    public void Splits_like_a_posix_shell_without_expanding(string input, string[] expected)
    {
        Assert.Equal(expected, ShellWords.Split(input));
    }

    [Theory]
    [InlineData("--label 'open")]
    [InlineData("--label \"open")]
    public void Unterminated_quotes_are_errors(string input)
    {
        Assert.Throws<FormatException>(() => ShellWords.Split(input));
    }
}
