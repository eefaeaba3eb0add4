namespace Metagenerator.Oci;

/// <summary>Reports synchronously on the caller's thread (unlike <see cref="Progress{T}"/>, which posts and can arrive late).</summary>
/// <typeparam name="T">What is reported.</typeparam>
/// <param name="report">Called with each value, on the reporting thread.</param>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
