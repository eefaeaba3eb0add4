namespace Metagenerator.Generator.Script;

/// <summary>The values of the script's variables for one run, computed in C# exactly as the script computes them.</summary>
internal sealed class ScriptValues
{
    private readonly Dictionary<string, string> _scalars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _lists = new(StringComparer.Ordinal);

    /// <summary>Sets a scalar variable.</summary>
    public void Set(string name, string value) => _scalars[name] = value;

    /// <summary>Sets a variable to <c>1</c> when <paramref name="on"/>, else to the empty string (the script's booleans).</summary>
    public void SetFlag(string name, bool on) => _scalars[name] = on ? "1" : "";

    /// <summary>Sets a list variable (spliced word by word).</summary>
    public void SetList(string name, IReadOnlyList<string> words) => _lists[name] = words;

    /// <summary>The value of a scalar variable; unset variables are empty, as in the shell.</summary>
    public string Get(string name) => _scalars.TryGetValue(name, out var v) ? v : "";

    /// <summary>The words of a list variable; unset lists are empty.</summary>
    public IReadOnlyList<string> GetList(string name) => _lists.TryGetValue(name, out var v) ? v : [];
}
