using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Xunit;

namespace Metagenerator.TestSupport.Tiers;

/// <summary>Finds test classes that no tier filter selects: a class without <see cref="TierAttribute"/> runs only in an
/// unfiltered run, so <c>scripts/test --filter Tier=…</c> would silently leave it out.</summary>
public static class TierCoverage
{
    /// <summary>The names of the classes in <paramref name="assembly"/> that hold tests but carry no tier, on the class or
    /// on every one of their test methods.</summary>
    [RequiresUnreferencedCode("reads a test assembly's classes and methods by reflection, as the test runner does")]
    public static IReadOnlyList<string> UntieredTestClasses(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetTypes()
            .Where(type => type.IsClass && !type.IsAbstract)
            .Where(type =>
            {
                var tests = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                    .Where(method => method.GetCustomAttributes<FactAttribute>(inherit: true).Any())
                    .ToList();
                return tests.Count > 0
                    && type.GetCustomAttribute<TierAttribute>(inherit: true) is null
                    && tests.Any(method => method.GetCustomAttribute<TierAttribute>() is null);
            })
            .Select(type => type.FullName ?? type.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>
/// The check each test project runs once, by deriving a tiered <c>TierCoverageTests</c> from this: every test class of
/// the project's assembly is in a tier, so that no tier filter leaves one out.
/// </summary>
public abstract class TierCoverageTestsBase
{
    [Fact]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "test assemblies are not trimmed")]
    public void Every_test_class_carries_a_tier() => Assert.Empty(TierCoverage.UntieredTestClasses(GetType().Assembly));
}
