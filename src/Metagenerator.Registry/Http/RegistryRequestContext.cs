namespace Metagenerator.Registry.Http;

/// <summary>What a request is for: the auth handler picks scopes from it and errors name its operation.</summary>
internal sealed record RegistryRequestContext(string Operation, string Preposition, string Registry, string? Repository, IReadOnlyList<string> Scopes)
{
    public static readonly HttpRequestOptionsKey<RegistryRequestContext> Key = new("metagenerator.registry");

    /// <summary>E.g. <c>pushing blob sha256:ab12… to localhost:5000/foo</c>.</summary>
    public string Describe() => Repository is null ? $"{Operation} {Preposition} {Registry}" : $"{Operation} {Preposition} {Registry}/{Repository}";

    public static IReadOnlyList<string> Pull(string repository) => [$"repository:{repository}:pull"];

    public static IReadOnlyList<string> Push(string repository) => [$"repository:{repository}:pull,push"];
}
