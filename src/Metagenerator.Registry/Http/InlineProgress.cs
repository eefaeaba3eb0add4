namespace Metagenerator.Registry.Http;

/// <summary>Reports synchronously on the caller's thread (unlike <see cref="Progress{T}"/>, which posts and can arrive late).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
