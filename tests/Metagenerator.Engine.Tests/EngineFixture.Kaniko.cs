using Metagenerator.TestSupport.Engine;

namespace Metagenerator.Engine.Tests;

/// <summary>The kaniko stand-in (<see cref="KanikoStandIn"/>: the real executor and warmer) and the images its tests pull.</summary>
public sealed partial class EngineFixture
{
    private static readonly object _kanikoGate = new();
    private static Task<string>? _kanikoBase;
    private static Task<string>? _demoBase;

    private static void ResetKaniko()
    {
        lock (_kanikoGate) (_kanikoBase, _demoBase) = (null, null);
    }

    /// <summary><c>gcr.io/kaniko-project/executor:v1.24.0-debug</c> (the stand-in), pushed to the registry; the reference
    /// to use as <c>build.base_image</c>.</summary>
    public Task<string> KanikoBaseAsync()
    {
        lock (_kanikoGate) return _kanikoBase ??= PushKanikoBaseAsync();
    }

    /// <summary>The model base (<see cref="ModelBaseAsync"/>) also as <c>demo/base:1</c>, the name examples/example-generator's
    /// Dockerfile pulls (there from localhost:5000).</summary>
    public Task<string> DemoBaseAsync()
    {
        lock (_kanikoGate) return _demoBase ??= PushDemoBaseAsync();
    }

    private async Task<string> PushKanikoBaseAsync()
    {
        var started = DateTime.UtcNow;
        await KanikoStandIn.RootFilesystemAsync();
        Timings["kaniko stand-in root filesystem (or the cache)"] = DateTime.UtcNow - started;
        var reference = $"{Registry.Host}/{KanikoStandIn.Name}";
        await KanikoStandIn.PushAsync(Engine, reference, StandInPushAuth);
        return reference;
    }

    private async Task<string> PushDemoBaseAsync()
    {
        var model = await ModelBaseAsync();
        var reference = $"{Registry.Host}/demo/base:1";
        await Engine.DockerCheckedAsync("tag", model, reference);
        (await Engine.DockerAsync(["push", reference])).EnsureSuccess();
        return reference;
    }
}
