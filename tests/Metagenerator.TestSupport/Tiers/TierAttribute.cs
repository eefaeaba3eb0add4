using Xunit.Abstractions;
using Xunit.Sdk;

namespace Metagenerator.TestSupport.Tiers;

/// <summary>Puts a test class (or method) in a <see cref="Tier"/>; shows up as the trait <c>Tier=…</c>.</summary>
[TraitDiscoverer("Metagenerator.TestSupport.Tiers.TierDiscoverer", "Metagenerator.TestSupport")]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class TierAttribute(string tier) : Attribute, ITraitAttribute
{
    /// <summary>One of the <see cref="Tier"/> constants.</summary>
    public string Name { get; } = tier;
}

/// <summary>Turns <see cref="TierAttribute"/> into the <c>Tier</c> trait.</summary>
public sealed class TierDiscoverer : ITraitDiscoverer
{
    /// <inheritdoc/>
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        yield return new(Tier.TraitName, traitAttribute.GetConstructorArguments().Single()?.ToString() ?? Tier.Unit);
    }
}
