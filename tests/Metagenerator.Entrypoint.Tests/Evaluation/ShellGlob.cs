using Metagenerator.Entrypoint.Script;

namespace Metagenerator.Entrypoint.Tests.Evaluation;

/// <summary>POSIX shell pattern matching (<c>case</c>, <c>${v%pattern}</c>): <c>*</c>, <c>?</c>, <c>[set]</c>, <c>[!set]</c>
/// with ranges; every other character matches itself. The script's patterns are written by this project.</summary>
internal static class ShellGlob
{
    /// <summary>Whether <paramref name="text"/> matches all of <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string text) => Match(pattern, 0, text, 0);

    private static bool Match(string p, int pi, string t, int ti)
    {
        while (pi < p.Length)
        {
            switch (p[pi])
            {
                case '*':
                    for (var k = ti; k <= t.Length; k++)
                        if (Match(p, pi + 1, t, k)) return true;
                    return false;
                case '?':
                    if (ti >= t.Length) return false;
                    pi++; ti++;
                    break;
                case '[' when p.IndexOf(']', pi + 2) is var close and > 0:
                    if (ti >= t.Length || !InSet(p[(pi + 1)..close], t[ti])) return false;
                    pi = close + 1; ti++;
                    break;
                default:
                    if (ti >= t.Length || p[pi] != t[ti]) return false;
                    pi++; ti++;
                    break;
            }
        }
        return ti == t.Length;
    }

    private static bool InSet(string set, char c)
    {
        var negate = set.StartsWith('!');
        if (negate) set = set[1..];
        var found = false;
        for (var i = 0; i < set.Length; i++)
        {
            if (i + 2 < set.Length && set[i + 1] == '-')
            {
                found |= c >= set[i] && c <= set[i + 2];
                i += 2;
            }
            else
            {
                found |= c == set[i];
            }
        }
        return found != negate;
    }
}
