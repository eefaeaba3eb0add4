using Metagenerator.Oci;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

[Tier(Tier.Unit)]
public class SourceDateEpochTests
{
    [Theory]
    [InlineData(null, 1L)]
    [InlineData("", 1L)]
    [InlineData("0", 0L)]
    [InlineData("1700000000", 1_700_000_000L)]
    [InlineData(" 42 ", 42L)]
    public void Resolves_seconds_or_the_default(string? value, long expected) =>
        Assert.Equal(expected, SourceDateEpoch.Resolve(value).ToUnixTimeSeconds());

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("yesterday")]
    [InlineData("99999999999999")]
    public void Rejects_what_is_not_whole_seconds(string value)
    {
        var error = Assert.Throws<InvalidInputException>(() => SourceDateEpoch.Resolve(value));
        Assert.Contains("SOURCE_DATE_EPOCH", error.Message);
        Assert.Contains(value, error.Message);
    }
}
