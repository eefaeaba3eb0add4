namespace Metagenerator.Registry.Http;

/// <summary>Token scopes as resource → actions (<c>repository:NAME:pull,push</c>), to tell whether one token covers another's needs.</summary>
/// <remarks>https://distribution.github.io/distribution/spec/auth/scope/</remarks>
internal sealed class ScopeSet
{
    private readonly Dictionary<string, HashSet<string>> _actions;

    private ScopeSet(Dictionary<string, HashSet<string>> actions) => _actions = actions;

    public static ScopeSet Empty { get; } = new([]);

    public static ScopeSet Parse(IEnumerable<string> scopes)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            var last = scope.LastIndexOf(':');
            if (last <= 0) continue;
            var resource = scope[..last];
            if (!result.TryGetValue(resource, out var set)) result[resource] = set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var action in scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)) set.Add(action);
        }
        return new ScopeSet(result);
    }

    /// <summary>True when every action of <paramref name="other"/> is in this set.</summary>
    public bool Covers(ScopeSet other) =>
        other._actions.All(kv => _actions.TryGetValue(kv.Key, out var mine) && kv.Value.IsSubsetOf(mine));
}
