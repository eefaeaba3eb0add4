using Xunit;

namespace Metagenerator.TestSupport.Tiers;

/// <summary>
/// Decides, when tests are discovered, whether a test that needs external programs runs: outside CI a missing
/// program skips the test with the reason; under <c>CI=true</c> nothing is skipped, so a missing program fails the
/// test (and <c>scripts/test</c> also fails a CI run that reports any skip).
/// </summary>
public static class ToolAvailability
{
    /// <summary>True under CI (<c>CI=true</c>), where skipping would hide a missing tool.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The skip reason for a test needing <paramref name="tools"/>, or null when it should run.</summary>
    public static string? SkipReason(IEnumerable<string> tools) => SkipReason(tools, InCi);

    /// <summary>The skip reason for a test needing <paramref name="tools"/>, with CI given.</summary>
    public static string? SkipReason(IEnumerable<string> tools, bool inCi)
    {
        if (inCi) return null;
        var missing = tools.Where(t => ExternalTool.Find(t) is null).ToList();
        return missing.Count == 0 ? null
            : $"needs {string.Join(", ", missing)}, not installed here (scripts/setup-debian installs it)";
    }

    /// <summary>What a test against the real registry needs.</summary>
    public static readonly string[] Registry = ["docker-registry", "openssl", "htpasswd", "skopeo", "umoci"];

    /// <summary>What a test that runs buildah (vfs, chroot isolation) needs.</summary>
    public static readonly string[] Buildah = ["buildah", "busybox"];

    /// <summary>What a test against a private Docker engine needs.</summary>
    public static readonly string[] Engine = ["dockerd", "docker", "mmdebstrap"];
}

/// <summary>A fact that needs external programs: skipped with the reason when one is missing (never under CI).</summary>
public sealed class NeedsToolsFactAttribute : FactAttribute
{
    /// <summary>Names the programs, or one of the <see cref="ToolAvailability"/> sets.</summary>
    public NeedsToolsFactAttribute(params string[] tools)
    {
        if (ToolAvailability.SkipReason(tools) is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs external programs: skipped with the reason when one is missing (never under CI).</summary>
public sealed class NeedsToolsTheoryAttribute : TheoryAttribute
{
    /// <summary>Names the programs, or one of the <see cref="ToolAvailability"/> sets.</summary>
    public NeedsToolsTheoryAttribute(params string[] tools)
    {
        if (ToolAvailability.SkipReason(tools) is { } reason) Skip = reason;
    }
}
