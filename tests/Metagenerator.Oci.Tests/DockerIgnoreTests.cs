using Metagenerator.Oci;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

[Tier(Tier.Unit)]
public class DockerIgnoreTests
{
    // Expected results follow moby/patternmatcher (what `docker build` does with the same file).
    [Theory]
    [InlineData("*.log", "app.log", true)]
    [InlineData("*.log", "logs/app.log", false)]            // '*' does not cross '/'
    [InlineData("**/*.log", "logs/deep/app.log", true)]
    [InlineData("**/*.log", "app.log", true)]               // '**/' matches zero directories
    [InlineData("data", "data/big.bin", true)]              // a directory pattern covers its content
    [InlineData("data/", "data/big.bin", true)]             // trailing slash is cleaned away
    [InlineData("/data", "data/big.bin", true)]             // leading slash is stripped
    [InlineData("./data/../data", "data/x", true)]          // pattern is path-cleaned
    [InlineData("data", "mydata/x", false)]
    [InlineData("dat?", "data", true)]
    [InlineData("dat?", "dat/x", false)]                    // '?' never matches '/'
    [InlineData("[a-c]*.txt", "b1.txt", true)]
    [InlineData("[a-c]*.txt", "d1.txt", false)]
    [InlineData("[^a-c]*.txt", "d1.txt", true)]
    [InlineData("docs/**", "docs/a/b/c.md", true)]
    [InlineData("docs/**", "docsx/a", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("a/**/z", "a/z", true)]
    [InlineData("a/**/z", "a/b/c/z", true)]
    [InlineData("*.md\n!README.md", "README.md", false)]    // later exception wins
    [InlineData("*.md\n!README.md", "CHANGES.md", true)]
    [InlineData("!README.md\n*.md", "README.md", true)]     // order matters: the last match wins
    [InlineData("secret\n!secret/keep.txt", "secret/keep.txt", false)]
    [InlineData("secret\n!secret/keep.txt", "secret/drop.txt", true)]
    [InlineData("# comment\n\n   \n*.tmp", "# comment", false)]
    [InlineData("  *.tmp  ", "x.tmp", true)]                // lines are trimmed
    [InlineData("\\*.txt", "*.txt", true)]                  // backslash escapes
    [InlineData("\\*.txt", "a.txt", false)]
    [InlineData("file.with.dots", "fileXwithXdots", false)] // '.' is literal
    [InlineData("*.log\r\n", "a.log", true)]                // CRLF files
    [InlineData("sub", "sub\\zz.txt", false)]                 // on Linux a backslash in a name is an ordinary character
    [InlineData("sub\\zz.txt", "sub\\zz.txt", false)]        // ...and in a pattern it escapes: this is "subzz.txt"
    [InlineData("sub\\\\zz.txt", "sub\\zz.txt", true)]
    public void Matches_like_docker(string dockerignore, string path, bool excluded)
    {
        var ignore = DockerIgnore.Parse(dockerignore);
        Assert.Equal(excluded, ignore.IsExcluded(path));
    }

    [Fact]
    public void Exceptions_are_reported_so_excluded_directories_are_still_searched()
    {
        Assert.False(DockerIgnore.Parse("data").HasExceptions);
        Assert.True(DockerIgnore.Parse("data\n!data/keep").HasExceptions);
    }

    [Fact]
    public void Patterns_are_cleaned()
    {
        var ignore = DockerIgnore.Parse("/a/b/\n! c/./d\n");
        Assert.Equal(["a/b", "!c/d"], ignore.Patterns);
    }

    [Theory]
    [InlineData("ok\n!\n", "line 2")]
    [InlineData("*.py\n[abc\n", "line 2")]
    public void Invalid_patterns_are_errors_naming_the_line(string text, string where)
    {
        var error = Assert.Throws<InvalidInputException>(() => DockerIgnore.Parse(text, "/src/.dockerignore"));
        Assert.Contains("/src/.dockerignore " + where, error.Message);
    }

    [Fact]
    public void Empty_matcher_excludes_nothing() => Assert.False(DockerIgnore.Empty.IsExcluded("anything"));
}
