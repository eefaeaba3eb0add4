namespace Metagenerator.Inspection;

/// <summary>The image exists and was read, but it is not a generator image the Model API could use (no labels under
/// <c>&lt;name&gt;.&lt;version&gt;.</c>, or an index instead of one image manifest); invalid input.</summary>
public sealed class NotAGeneratorImageException(string message) : MetageneratorException(message, ErrorCategory.InvalidInput);
