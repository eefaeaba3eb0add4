using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Manifest.Tests;

/// <summary>Every test class of this project is in a tier, so that no tier filter leaves one out.</summary>
[Tier(Tier.Unit)]
public sealed class TierCoverageTests
{
    [Fact]
    public void Every_test_class_carries_a_tier() => Assert.Empty(TierCoverage.UntieredTestClasses(typeof(TierCoverageTests).Assembly));
}
