using Metagenerator.Entrypoint.Script;

namespace Metagenerator.Entrypoint.Tests.Evaluation;

/// <summary>What the generator script learns from the machine it runs on; the C# evaluation asks an implementation of this.</summary>
internal interface IScriptHost
{
    /// <summary>The answer to a file-system question about <paramref name="path"/>.</summary>
    bool Ask(HostQuestion question, string path);

    /// <summary>The exit status of a capability check (<see cref="ProbeStep"/>).</summary>
    int Probe(IReadOnlyList<string> argv);

    /// <summary>The numeric user id the script runs as.</summary>
    string UserId();

    /// <summary>The current UTC time in the script's <c>CREATED</c> format.</summary>
    string Now();
}
