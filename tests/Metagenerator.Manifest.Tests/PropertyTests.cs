using System.Text;
using CsCheck;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Manifest.Tests;

/// <summary>Random and mutated YAML: the only outcomes are a manifest or a <see cref="ManifestException"/>.</summary>
/// <remarks>
/// No clock is consulted (2 shared cores make timings meaningless): the work per document is bounded by the inputs'
/// size and by the reader's caps on nesting, expanded values and errors, which YamlHandlingTests check where reading stops.
/// </remarks>
[Tier(Tier.Unit)]
public class PropertyTests
{
    private static readonly string[] Documents =
    [
        TestFiles.SeedText,
        TestFiles.ExtendedText,
        ManifestTemplates.InitManifest,
    ];

    /// <summary>Characters that mean something to YAML, plus awkward Unicode (BOM, NUL, lone surrogates, astral).</summary>
    private static readonly string[] Fragments =
    [
        ":", "-", "- ", "? ", "[", "]", "{", "}", ",", "&a ", "*a", "*a ", "!", "!!str ", "!!map ", "|", ">-", "\t", "\r", "\n", "\r\n",
        "\"", "'", "#", " ", "  ", "%YAML 1.2\n", "---\n", "...\n", "@", "`", "\0", "\uFEFF", "\uD800", "\uDC00", "😀", "ü", "\u2028", "\u0085",
        "<<: ", "version", "config", "parameters", "generation_parameters", "optional", "build", "cache", "info", "default", "example",
        "GENERATOR_REGISTRY", "MODEL_DOCKERFILE", "MODEL_NAME", "x.y", "Upper", "v1.0", "../", "/abs", "042", "~", "null", "true",
    ];

    private static void Check(byte[] bytes)
    {
        try
        {
            var m = ManifestLoader.Parse(bytes, "fuzz.yml");
            Assert.NotEmpty(m.Labels);
            Assert.All(m.Labels, l => Assert.DoesNotContain('=', l.Key));
        }
        catch (ManifestException e)
        {
            Assert.NotEmpty(e.Errors);
            foreach (var error in e.Errors)
            {
                Assert.True(error.Line >= 1 && error.Column >= 1, error.ToString());
                Assert.DoesNotContain('\n', error.ToString());
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }
            Assert.StartsWith("[", e.ToJson(), StringComparison.Ordinal);
        }
    }

    /// <summary>One edit: (operation, position, argument).</summary>
    private static readonly Gen<(int Op, int Pos, int Arg)> Edit = Gen.Select(Gen.Int[0, 12], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]);

    private static byte[] Mutate(string document, (int Op, int Pos, int Arg)[] edits)
    {
        var text = document;
        byte[]? corrupt = null;
        foreach (var (op, pos, arg) in edits)
        {
            var lines = text.Split('\n').ToList();
            var at = text.Length == 0 ? 0 : pos % text.Length;
            var line = pos % lines.Count;
            var fragment = Fragments[arg % Fragments.Length];
            switch (op)
            {
                case 0 when text.Length > 0: text = text.Remove(at, 1); break;
                case 1: text = text.Insert(at, fragment); break;
                case 2 when text.Length > 1:
                    var i = Math.Min(at, text.Length - 2);
                    text = string.Concat(text.AsSpan(0, i), text[i + 1].ToString(), text[i].ToString(), text.AsSpan(i + 2));
                    break;
                case 3: lines.RemoveAt(line); text = string.Join('\n', lines); break;
                case 4: lines.Insert(line, lines[line]); text = string.Join('\n', lines); break;
                case 5:
                    var other = arg % lines.Count;
                    (lines[line], lines[other]) = (lines[other], lines[line]);
                    text = string.Join('\n', lines);
                    break;
                case 6:
                    var random = new Random(arg);
                    var chars = Enumerable.Range(0, 1 + (arg % 12)).Select(_ => (char)random.Next(0, 0x10000));
                    text = text.Insert(at, new string(chars.ToArray()));
                    break;
                case 7:
                    var depth = 1 + (arg % 5000);
                    text = text.Insert(at, arg % 2 == 0 ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{a: ", depth)) + new string('}', depth));
                    break;
                case 8:
                    var bomb = new StringBuilder("\nb0: &b0 [x, x, x, x, x, x, x, x, x]\n");
                    for (var level = 1; level < 4 + (arg % 12); level++)
                        bomb.Append("b").Append(level).Append(": &b").Append(level).Append(" [").AppendJoin(", ", Enumerable.Repeat($"*b{level - 1}", 9)).Append("]\n");
                    lines.Insert(line, bomb.ToString());
                    text = string.Join('\n', lines);
                    break;
                case 9:
                    lines[line] = lines[line].Replace("  ", "\t", StringComparison.Ordinal);
                    text = string.Join('\n', lines);
                    break;
                case 10: text = text[..at]; break;
                case 11: text = text.Replace("\n", "\r\n", StringComparison.Ordinal); break;
                case 12:
                    corrupt = Encoding.UTF8.GetBytes(text);
                    if (corrupt.Length > 0) corrupt[pos % corrupt.Length] = (byte)arg;
                    break;
            }
            if (op != 12) corrupt = null;
        }
        return corrupt ?? Encoding.UTF8.GetBytes(text);
    }

    [Fact]
    public void Mutated_fixtures_give_a_manifest_or_manifest_errors()
    {
        Gen.Select(Gen.Int[0, Documents.Length - 1], Edit.Array[1, 6])
            .Sample((doc, edits) => Check(Mutate(Documents[doc], edits)), iter: 3000);
    }

    [Fact]
    public void Random_token_soup_gives_manifest_errors_not_crashes()
    {
        Gen.Int[0, Fragments.Length - 1].Array[0, 80]
            .Select(picks => string.Concat(picks.Select(p => Fragments[p])))
            .Sample(text => Check(Encoding.UTF8.GetBytes(text)), iter: 2000);
    }

    [Fact]
    public void Random_bytes_and_strings_give_manifest_errors_not_crashes()
    {
        Gen.Byte.Array[0, 400].Sample(Check, iter: 1500);
        Gen.String.Sample(s => Check(Encoding.UTF8.GetBytes(s)), iter: 1500);
    }
}
