namespace Metagenerator.Inspection;

/// <summary>A node of the Model API's view of image labels: a text value (<see cref="LabelText"/>) or a map (<see cref="LabelTree"/>).</summary>
public abstract class LabelNode
{
    private protected LabelNode()
    {
    }
}

/// <summary>A label value, taken as text exactly as stored (docs/contracts.md §7: <c>build.cache</c> stays its JSON text).</summary>
public sealed class LabelText(string text) : LabelNode
{
    /// <summary>The value.</summary>
    public string Text { get; } = text;

    /// <inheritdoc/>
    public override string ToString() => Text;
}
