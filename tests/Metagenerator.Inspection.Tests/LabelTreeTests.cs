using Metagenerator.Inspection;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Inspection.Tests;

/// <summary>Labels become nested maps exactly as the Model API's <c>convert_to_nested_dict</c> makes them.</summary>
[Tier(Tier.Unit)]
public class LabelTreeTests
{
    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    [Fact]
    public void Keys_are_split_on_dots_and_values_stay_text()
    {
        var tree = LabelTree.FromLabels([Pair("g.v1.build.cache", """["python:3.10","python:3.10-slim"]"""), Pair("g.v1.config.A", "042")]);

        Assert.Equal("""["python:3.10","python:3.10-slim"]""", tree.Find("g", "v1", "build")!.Text("cache"));
        Assert.Equal("042", tree.Find("g", "v1", "config")!.Text("A"));
        Assert.Null(tree.Find("g", "v2"));
    }

    [Fact]
    public void A_value_where_a_map_is_needed_moves_to_the_value_subkey_either_way_round()
    {
        // The Model API's docstring example: {'a': 'A', 'a.b': 'AB'} → {'a': {'_value': 'A', 'b': 'AB'}}.
        var first = LabelTree.FromLabels([Pair("a", "A"), Pair("a.b", "AB")]);
        var second = LabelTree.FromLabels([Pair("a.b", "AB"), Pair("a", "A")]);

        foreach (var tree in new[] { first, second })
        {
            Assert.Equal("A", tree.Find("a")!.Text(LabelTree.ConflictKey));
            Assert.Equal("AB", tree.Find("a")!.Text("b"));
            Assert.Equal("A", tree.Text("a"));
        }
        Assert.Equal([Pair("a._value", "A"), Pair("a.b", "AB")], first.Flatten());
    }

    [Fact]
    public void Key_parts_are_trimmed_and_label_order_is_kept()
    {
        var tree = LabelTree.FromLabels([Pair("g.v1.z ", "1"), Pair("g. v1.a", "2")]);

        Assert.Equal([Pair("z", "1"), Pair("a", "2")], tree.Find("g", "v1")!.Flatten());
    }

    [Fact]
    public void Without_leaves_out_the_named_entries_only()
    {
        var tree = LabelTree.FromLabels([Pair("CREATED", "t"), Pair("info", "i"), Pair("parameters.X", "x"), Pair("P", "p")]);

        Assert.Equal([Pair("P", "p")], tree.Without("CREATED", "info", "parameters").Flatten());
    }
}
