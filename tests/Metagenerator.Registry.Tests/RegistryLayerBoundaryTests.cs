using System.Reflection;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>The registry client uploads bytes; how a layer is built (Oci's layer builder) is not its business.</summary>
[Tier(Tier.Unit)]
public sealed class RegistryLayerBoundaryTests
{
    private static readonly Type[] LayerBuilding = [typeof(Oci.Layers.GrowingLayerFile), typeof(Oci.Layers.LayerBuilder), typeof(Oci.Layers.LayerSpec)];

    [Fact]
    public void No_public_member_of_the_registry_takes_or_returns_a_type_of_the_layer_builder()
    {
        var offending = typeof(RegistryClient).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => Signature(m).Any(t => LayerBuilding.Contains(t)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToList();
        Assert.Empty(offending);
    }

    private static IEnumerable<Type> Signature(MemberInfo member) => member switch
    {
        MethodBase m => m.GetParameters().Select(p => p.ParameterType).Append(m is MethodInfo mi ? mi.ReturnType : typeof(void)),
        PropertyInfo p => [p.PropertyType],
        FieldInfo f => [f.FieldType],
        _ => [],
    };
}
