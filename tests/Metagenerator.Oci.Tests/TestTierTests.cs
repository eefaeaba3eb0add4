using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>
/// The skip rule of the tool-dependent tests (TestSupport's <see cref="ToolAvailability"/>): a missing tool skips with
/// its name outside CI, never under CI. Hosted here, beside the tests of the other small libraries beneath the image
/// model (Errors, HostFiles): Oci.Tests is the test project of the one product library TestSupport builds on, and a
/// test project of its own for three tests would add its build and test host to every run.
/// </summary>
[Tier(Tier.Unit)]
public sealed class TestTierTests
{
    [Fact]
    public void A_missing_tool_skips_outside_CI_and_names_it()
    {
        var reason = ToolAvailability.SkipReason(["sh", "no-such-tool-for-metagenerator"], inCi: false);
        Assert.NotNull(reason);
        Assert.Contains("no-such-tool-for-metagenerator", reason);
        Assert.DoesNotContain("sh,", reason);
        Assert.Contains("scripts/setup-debian", reason);
    }

    [Fact]
    public void Under_CI_nothing_is_skipped_so_a_missing_tool_fails_its_test() =>
        Assert.Null(ToolAvailability.SkipReason(["no-such-tool-for-metagenerator"], inCi: true));

    [Fact]
    public void Present_tools_do_not_skip() =>
        Assert.Null(ToolAvailability.SkipReason(["sh"], inCi: false));
}
