namespace Metagenerator.Manifest;

/// <summary>A manifest could not be read or is invalid; carries every problem found in one run.</summary>
public sealed class ManifestException : MetageneratorException
{
    /// <summary>Creates the exception from at least one error.</summary>
    public ManifestException(IReadOnlyList<ManifestError> errors)
        : base(Summarize(errors), ErrorCategory.InvalidInput)
    {
        Errors = errors;
    }

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }

    /// <summary>The errors as JSON (see <see cref="ManifestError.ToJson"/>).</summary>
    public string ToJson() => ManifestError.ToJson(Errors);

    private static string Summarize(IReadOnlyList<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0) throw new ArgumentException("a ManifestException needs at least one error", nameof(errors));
        // One error per line, ready to print as is.
        return string.Join('\n', errors);
    }
}
