using System.Diagnostics;

namespace Metagenerator.TestSupport;

/// <summary>Starts a process that a test will interrupt with SIGINT, as a user's Ctrl-C in a terminal would.</summary>
/// <remarks>A process started from a background job of a non-interactive shell inherits SIGINT ignored, and the .NET
/// runtime keeps an inherited ignore. Run that way (e.g. <c>setsid scripts/test &amp;</c>), a Ctrl-C test would test
/// nothing but the runner. <c>env --default-signal=INT</c> gives the child the disposition a terminal gives it.</remarks>
public static class SignalTarget
{
    /// <summary>A start info for <paramref name="program"/> with SIGINT at its default; add its arguments to ArgumentList.</summary>
    public static ProcessStartInfo StartInfo(string program)
    {
        var psi = new ProcessStartInfo(ExternalTool.Require("env")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add(program);
        return psi;
    }
}
