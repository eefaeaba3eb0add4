using System.Text.RegularExpressions;
using Metagenerator.TestSupport.Engine;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Engine.Tests;

/// <summary>
/// The scale-out path as far as one machine allows: one shared buildkitd (mTLS) serves six generator runs started at
/// once, each as the Model API runs it (no privileges); a later model of the same generator reuses the steps the first
/// ones built, as BuildKit's own output shows.
/// </summary>
[Collection(EngineCollections.BuildKit)]
[Tier(Tier.Engine)]
public class BuildKitScaleOutTests(EngineFixture fixture)
{
    private readonly GeneratorRuns _runs = new(fixture);
    private readonly BuildKitGenerators _generators = new(fixture);

    // A model-independent step (a model's dependency install) before the build arguments come into scope.
    private const string SharedStep = "RUN mkdir -p /deps && printf 'installed' > /deps/marker";

    [NeedsRealBuildersFact]
    public async Task One_shared_buildkitd_serves_six_runs_at_once_and_a_later_model_reuses_their_cached_steps()
    {
        var daemon = await fixture.BuildKitDaemonAsync(mtls: true);
        using var ws = await _generators.PushAsync("bk-shared", ws =>
        {
            var dockerfile = ws.Combine("model-src", "Dockerfile_model");
            var lines = File.ReadAllLines(dockerfile).ToList();
            lines.Insert(1, SharedStep);
            File.WriteAllLines(dockerfile, lines);
        });

        var models = Enumerable.Range(1, 6).Select(i => $"grid-{i}").ToList();
        var runs = await Task.WhenAll(models.Select(model =>
            _runs.RunLikeModelApiAsync(ws, daemon.MountOptions(), new Dictionary<string, string?>(daemon.Settings()) { ["MODEL_NAME"] = model })));
        for (var i = 0; i < runs.Length; i++)
            Assert.True(runs[i].ExitCode == 0, $"{models[i]}:\n{runs[i].StdOut}{runs[i].StdErr}");
        foreach (var model in models) await _runs.AssertModelImageAsync(ws, model);

        var later = await _runs.RunLikeModelApiAsync(ws, daemon.MountOptions(), new Dictionary<string, string?>(daemon.Settings()) { ["MODEL_NAME"] = "grid-7" });
        Assert.True(later.ExitCode == 0, later.StdOut + later.StdErr);
        await _runs.AssertModelImageAsync(ws, "grid-7");
        // buildctl --progress plain: "#N [2/3] RUN mkdir -p /deps …" then "#N CACHED"; the model's own step is built.
        var output = later.StdOut + later.StdErr;
        Assert.Matches(new Regex(@"#(\d+) \[2/3\] RUN mkdir -p /deps[^\n]*\n#\1 CACHED"), output);
        Assert.DoesNotMatch(new Regex(@"#(\d+) \[3/3\] RUN mkdir -p /out[^\n]*\n#\1 CACHED"), output);
    }
}
