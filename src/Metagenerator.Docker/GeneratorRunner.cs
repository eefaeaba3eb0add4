using Metagenerator.Oci;

namespace Metagenerator.Docker;

/// <summary>How a generator container is run: the Model API's run, and what the user explicitly added to it.</summary>
public sealed record GeneratorRunOptions
{
    /// <summary>The generator image to run (a registry reference, or an image already in the engine).</summary>
    public required string Image { get; init; }

    /// <summary>Pull it first, as the Model API does (login + images.pull); false for an image loaded into the engine.</summary>
    public bool Pull { get; init; } = true;

    /// <summary>Credentials for the pull (from the same config.json the container gets), or null for anonymous.</summary>
    public RegistryAuth? PullAuth { get; init; }

    /// <summary>The credentials file, an absolute path on the engine's host, mounted read-only at /workspace/config.json.</summary>
    public required string ConfigJsonPath { get; init; }

    /// <summary>Not added by the Model API: a network mode (e.g. <c>host</c>), or null for the engine's default.</summary>
    public string? NetworkMode { get; init; }

    /// <summary>Not added by the Model API: security options (e.g. <c>seccomp=unconfined</c> for buildah).</summary>
    public IReadOnlyList<string> SecurityOptions { get; init; } = [];

    /// <summary>Not sent by the Model API: further environment variables, after the Model API's.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraEnvironment { get; init; } = [];

    /// <summary>Stop the generator after this long, or null to wait for it.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>How the generator container ended.</summary>
/// <param name="ContainerId">The container's id (removed by now).</param>
/// <param name="ExitCode">Its exit status, or null when it was stopped for running past the timeout.</param>
public sealed record GeneratorRunResult(string ContainerId, long? ExitCode)
{
    /// <summary>True when it ran past the timeout and was stopped.</summary>
    public bool TimedOut => ExitCode is null;
}

/// <summary>
/// Runs a generator image the way the Model API's create-model request does (docs/contracts.md §7): pull, then a container with
/// no command, no privileges, the request's environment and config.json mounted read-only; its output streamed as it
/// comes; the container removed at the end, also when the run is cancelled or times out.
/// </summary>
public sealed class GeneratorRunner(DockerEngineClient engine)
{
    /// <summary>The path the credentials file is mounted at (docs/contracts.md §4).</summary>
    public const string ConfigJsonTarget = "/workspace/config.json";

    /// <summary>How long removing the container may take once the run is over or abandoned.</summary>
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The container <paramref name="request"/> and <paramref name="options"/> describe (pure: what is sent to the engine).</summary>
    public static ContainerSpec ContainerFor(ModelApiRequest request, GeneratorRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var environment = request.Environment().Concat(options.ExtraEnvironment).Select(e => $"{e.Key}={e.Value}").ToList();
        return new ContainerSpec
        {
            Image = options.Image,
            Environment = environment,
            Binds = [$"{options.ConfigJsonPath}:{ConfigJsonTarget}:ro"],
            NetworkMode = options.NetworkMode,
            SecurityOptions = options.SecurityOptions,
        };
    }

    /// <summary>Pulls (when asked), runs and removes the generator; <paramref name="onOutput"/> gets its output as it comes,
    /// <paramref name="events"/> an <see cref="IEvents.Info"/> line per step and the engine's pull progress at <see cref="IEvents.Debug"/>.</summary>
    public async Task<GeneratorRunResult> RunAsync(ModelApiRequest request, GeneratorRunOptions options,
        Func<ContainerStream, ReadOnlyMemory<byte>, ValueTask> onOutput, IEvents? events = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        events ??= IEvents.None;
        if (options.Pull)
        {
            var reference = ImageReference.Parse(options.Image);
            var repository = reference.Registry == ImageReference.DockerHub ? reference.Repository : $"{reference.Registry}/{reference.Repository}";
            events.Info($"pulling {options.Image}{(options.PullAuth is null ? " (no credentials for its registry)" : " with the credentials of config.json")}");
            await engine.PullAsync(repository, reference.ManifestReference, options.PullAuth, events.Debug, ct).ConfigureAwait(false);
        }

        var id = await engine.CreateContainerAsync(ContainerFor(request, options), ct).ConfigureAwait(false);
        events.Info($"container {id[..Math.Min(12, id.Length)]} created; starting");
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (options.Timeout is { } timeout) deadline.CancelAfter(timeout);
            try
            {
                await engine.StartContainerAsync(id, deadline.Token).ConfigureAwait(false);
                var output = engine.FollowLogsAsync(id, onOutput, deadline.Token);
                var exit = await engine.WaitContainerAsync(id, deadline.Token).ConfigureAwait(false);
                await output.ConfigureAwait(false); // the stream ends with the container: every line is out before the result
                return new GeneratorRunResult(id, exit);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && deadline.IsCancellationRequested)
            {
                return new GeneratorRunResult(id, null);
            }
        }
        finally
        {
            // Also after Ctrl-C or the timeout: force-remove kills a running generator first.
            using var removal = new CancellationTokenSource(RemoveTimeout);
            await engine.RemoveContainerAsync(id, removal.Token).ConfigureAwait(false);
            events.Info($"container {id[..Math.Min(12, id.Length)]} removed");
        }
    }
}
