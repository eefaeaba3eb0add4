namespace Metagenerator.TestSupport.Tiers;

/// <summary>
/// The test tiers, from fast to slow, as the values of the <c>Tier</c> trait:
/// <c>scripts/test --filter Tier=unit</c> runs only the fast ones.
/// </summary>
public static class Tier
{
    /// <summary>In-process only: no external program, no server.</summary>
    public const string Unit = "unit";

    /// <summary>External programs we did not write (shells, GNU tar, buildah, umoci, skopeo), but no registry.</summary>
    public const string Tools = "tools";

    /// <summary>A real docker-registry on 127.0.0.1, possibly behind the fault proxy or with a token issuer.</summary>
    public const string Registry = "registry";

    /// <summary>A private Docker engine started by the tests.</summary>
    public const string Engine = "engine";

    /// <summary>The trait name.</summary>
    public const string TraitName = "Tier";
}
