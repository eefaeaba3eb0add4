using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Docker.Tests;

/// <summary>Every test class of this project is in a tier (<see cref="TierCoverageTestsBase"/>).</summary>
[Tier(Tier.Unit)]
public sealed class TierCoverageTests : TierCoverageTestsBase;
