using System.CommandLine;
using System.Globalization;
using System.Text;
using Metagenerator.Build;
using Metagenerator.Inspection;
using Metagenerator.Cli.Output;
using Metagenerator.Docker;
using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Cli.Commands;

/// <summary><c>generate</c>: runs a generator image as the Model API's create-model request does (docs/contracts.md §7), against a
/// Docker engine, and reports what the Model API's task status would say.</summary>
internal static class GenerateCommand
{
    private const string NotModelApi = "(the Model API does not add this)";

    private static readonly Argument<string?> Reference = new("REF")
    {
        Description = "The generator image, HOST/NAME:VERSION (pulled by the engine as the Model API pulls it); omit with --from-manifest",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<string> ModelName = new("--model-name") { HelpName = "NAME", Description = "MODEL_NAME (the Model API's pattern: ^[a-z0-9][a-z0-9-]+$)", Required = true };
    private static readonly Option<string> ModelTag = new("--model-tag") { HelpName = "TAG", Description = "MODEL_TAG (the Model API's pattern: ^[a-z0-9][a-z0-9-]+$)", Required = true };
    private static readonly Option<string[]> Param = new("--param") { HelpName = "K=V", Description = "A request parameter; K must be under the generator's config or parameters labels, as the Model API demands (repeatable)" };
    private static readonly Option<string?> FromManifest = new("--from-manifest") { HelpName = "MANIFEST", Description = "Build the generator image from this local manifest and --model-src, load it into the engine (nothing is pushed) and run it instead of pulling REF" };
    private static readonly Option<string> ModelSource = new("--model-src") { HelpName = "DIR", Description = "With --from-manifest: the model source", DefaultValueFactory = _ => "model-src" };
    private static readonly Option<string> Format = new("--format") { Description = "Output format of the report: text or json (the generator's output then goes to stderr)", DefaultValueFactory = _ => "text" };
    private static readonly Option<string?> Timeout = new("--timeout") { HelpName = "DURATION", Description = $"Stop and remove the generator after DURATION (90s, 30m, 2h, or seconds); exit {ExitCodes.GeneratorTimedOut}. The Model API sets no limit" };
    private static readonly Option<string?> Network = new("--network") { HelpName = "MODE", Description = $"Run the generator in this network (e.g. host, to reach a registry on the host's 127.0.0.1) {NotModelApi}" };
    private static readonly Option<string[]> SecurityOpt = new("--security-opt") { HelpName = "OPT", Description = $"A container security option, e.g. seccomp=unconfined, which buildah needs (repeatable) {NotModelApi}" };
    private static readonly Option<string[]> Env = new("--env", "-e") { HelpName = "K=V", Description = $"A further environment variable, e.g. BUILDKIT_HOST=tcp://HOST:1234 (repeatable) {NotModelApi}" };
    private static readonly Option<string> VerbosityOption = new("--verbosity", "-v") { HelpName = "LEVEL", Description = "Log level: panic, fatal, error, warn, info, debug, trace", DefaultValueFactory = _ => "info" };
    private static readonly RegistryFlags RegistryAccess = new(workspace: ".");

    /// <summary>What the Model API itself sends; --env may not replace them.</summary>
    private static readonly string[] ModelApiVariables = ["MODEL_NAME", "MODEL_TAG", "CREATED", "EXTRA_FLAGS"];

    public static Command Create()
    {
        Format.AcceptOnlyFromAmong("text", "json");
        RegistryAccess.SkipTlsVerify.Description = "Do not verify TLS certificates of any registry; also what the Model API does when it does not verify TLS: EXTRA_FLAGS becomes '--skip-tls-verify --cache=true'";
        var command = new Command("generate", "Run a generator image as the Model API's create-model request does, against a Docker engine (DOCKER_HOST, default unix:///var/run/docker.sock), and report what its task status would say")
        {
            Reference, ModelName, ModelTag, Param, FromManifest, ModelSource, Format, Timeout, Network, SecurityOpt, Env, VerbosityOption,
        };
        RegistryAccess.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var verbosity = VerbosityParser.FromOption(parse.GetValue(VerbosityOption));
        var reporter = new ConsoleReporter(verbosity);
        var workspace = Environment.CurrentDirectory;
        var json = parse.GetValue(Format) == "json";

        // Local inputs first: nothing reaches the engine or a registry before they are right.
        var reference = parse.GetValue(Reference);
        var manifestPath = parse.GetValue(FromManifest);
        if (reference is null == manifestPath is null)
            throw new UsageException(reference is null ? "name the generator image (REF), or build it from a local manifest with --from-manifest MANIFEST" : "give REF or --from-manifest, not both");
        var parameters = RegistryFlags.ParsePairs(parse.GetValue(Param) ?? [], "--param", "K=V");
        var extraEnvironment = RegistryFlags.ParsePairs(parse.GetValue(Env) ?? [], "--env", "K=V");
        foreach (var (name, _) in extraEnvironment.Where(e => ModelApiVariables.Contains(e.Key)))
            throw new UsageException($"--env {name}=…: {name} is what the Model API sends; set it with {(name switch { "MODEL_NAME" => "--model-name", "MODEL_TAG" => "--model-tag", "EXTRA_FLAGS" => "--skip-tls-verify", _ => "(nothing: it is the request's time)" })}");
        var timeout = parse.GetValue(Timeout) is { } timeoutText ? DurationParser.Parse(timeoutText, "--timeout") : (TimeSpan?)null;
        var credentials = RegistryAccess.Credentials(parse, workspace);
        var configJson = credentials.ConfigPath
            ?? throw new UsageException($"generate mounts a Docker config.json at {GeneratorRunner.ConfigJsonTarget}, as the Model API mounts its credentials, and none was found ({credentials.Description}); pass one with --config");
        reporter.Debug($"credentials: {credentials.Description}");
        GeneratorManifest? manifest = null;
        string? modelSource = null;
        if (manifestPath is not null)
        {
            manifest = ManifestLoader.Load(Path.GetFullPath(manifestPath, workspace));
            modelSource = Path.GetFullPath(parse.GetValue(ModelSource)!, workspace);
            var sourceErrors = ManifestLoader.CheckModelSource(manifest, modelSource);
            if (sourceErrors.Count > 0) throw new ManifestException(sourceErrors);
        }

        var redaction = new SecretRedaction([
            .. parameters.Concat(extraEnvironment).Where(p => SecretRedaction.IsSecretName(p.Key)).Select(p => p.Value),
            .. await SecretsOfAsync(credentials, configJson, ct)]);

        using var engine = new DockerEngineClient(EngineEndpoint.Parse(Environment.GetEnvironmentVariable("DOCKER_HOST")));
        reporter.Info($"generate: Docker engine {await engine.VersionAsync(ct)} at {engine.Endpoint.Description}");
        var registryOptions = RegistryAccess.Bind(parse, workspace, credentials);
        using var client = new RegistryClient(registryOptions, reporter);
        var inspector = new GeneratorInspector(client);

        using var scratch = manifest is null ? null : new ScratchDirectory();
        GeneratorInspection inspection;
        string image;
        if (manifest is not null)
        {
            var build = await BuildLocallyAsync(engine, manifest, modelSource!, scratch!.Path, registryOptions, reporter, ct);
            inspection = await inspector.InspectAsync($"oci:{build.Layout}:{manifest.Version}", ct);
            image = build.Image;
        }
        else
        {
            inspection = await inspector.InspectAsync(reference!, ct);
            image = reference!;
        }
        if (inspection.Warning is not null) reporter.Warn($"warning: {inspection.Warning}");

        var request = new ModelApiRequest
        {
            Generator = inspection.Generator,
            ModelName = parse.GetValue(ModelName)!,
            ModelTag = parse.GetValue(ModelTag)!,
            Parameters = parameters,
            SkipTlsVerify = parse.GetValue(RegistryAccess.SkipTlsVerify),
            Created = DateTimeOffset.UtcNow,
        };
        if (request.Refusals() is { Count: > 0 } refusals)
            throw new UsageException("the Model API would refuse this request, so no container was started:\n  " + string.Join("\n  ", refusals)
                + (refusals.Any(r => r.StartsWith("parameter", StringComparison.Ordinal)) ? "\n  (to try a variable the Model API cannot send, pass it with --env K=V)" : ""));

        var options = new GeneratorRunOptions
        {
            Image = image,
            Pull = manifest is null,
            PullAuth = manifest is null ? await PullAuthAsync(credentials, image, ct) : null,
            ConfigJsonPath = configJson,
            NetworkMode = parse.GetValue(Network),
            SecurityOptions = parse.GetValue(SecurityOpt) ?? [],
            ExtraEnvironment = extraEnvironment,
            Timeout = timeout,
        };
        reporter.Info($"generate: running {image} as the Model API does: " +
            string.Join(" ", request.Environment().Select(e => $"{e.Key}={redaction.Value(e.Key, e.Value)}")) +
            $", {configJson} mounted read-only at {GeneratorRunner.ConfigJsonTarget}");
        var added = new List<string>();
        if (options.NetworkMode is { } network) added.Add($"--network {network}");
        added.AddRange(options.SecurityOptions.Select(o => $"--security-opt {o}"));
        added.AddRange(extraEnvironment.Select(e => $"--env {e.Key}={redaction.Value(e.Key, e.Value)}"));
        if (added.Count > 0) reporter.Info($"generate: added, which the Model API would not add: {string.Join(", ", added)}");

        using var stdout = new RedactingRelay(json ? Console.Error : Console.Out, redaction);
        using var stderr = new RedactingRelay(Console.Error, redaction);
        var run = await new GeneratorRunner(engine).RunAsync(request, options,
            (stream, bytes) => (stream == ContainerStream.StdErr ? stderr : stdout).Write(bytes.Span),
            new PrefixedEvents(reporter, "generate: "), ct);
        stdout.Flush();
        stderr.Flush();

        var model = run.ExitCode == 0 ? await inspector.FindModelAsync(inspection.Generator, request.ModelName, request.ModelTag, ct) : null;
        var report = new GenerateReport
        {
            Request = request,
            GeneratorImage = image,
            Run = run,
            Model = model,
            Status = ModelTaskStatus.After(run, request.CreatedText, request.ModelImage, model),
        };
        Console.Out.Write(json ? report.RenderJson(redaction) : report.RenderText(redaction));
        return report.Status.State switch
        {
            ModelTaskState.Finished => ExitCodes.Ok,
            ModelTaskState.Failed => ExitCodes.GeneratorFailed,
            ModelTaskState.TimedOut => ExitCodes.GeneratorTimedOut,
            _ => ExitCodes.NotFinished,
        };
    }

    /// <summary>Builds the generator image from the local manifest into a docker-archive (loaded into the engine) and an
    /// OCI layout (read as <c>inspect</c> reads it); nothing is pushed.</summary>
    private static async Task<(string Image, string Layout)> BuildLocallyAsync(DockerEngineClient engine, GeneratorManifest manifest, string modelSource, string scratch,
        RegistryOptions registry, ConsoleReporter reporter, CancellationToken ct)
    {
        var builder = BuilderKindParser.Resolve(null, manifest);
        var tar = Path.Combine(scratch, "generator.tar");
        var layout = Path.Combine(scratch, "layout");
        var request = new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec
            {
                Manifest = manifest,
                ModelSource = modelSource,
                Builder = builder,
                Created = SourceDateEpoch.FromEnvironment(),
                ExcludedHostPaths = registry.Credentials is DockerConfigCredentials { ConfigPath: { } configPath } ? [configPath] : [],
            },
            BaseImage = manifest.BaseImage ?? BuilderDefaults.BaseImage(builder),
            Push = false,
            TarPath = tar,
            OciLayout = layout,
            Registry = registry,
            ScratchDirectory = scratch,
        };
        var result = await GeneratorBuild.RunAsync(request, reporter, ct);
        var image = GeneratorBuild.Destinations(request)[0].ToString();
        await using (var archive = File.OpenRead(tar))
            await engine.LoadAsync(archive, ct);
        reporter.Info($"generate: built {image} ({result.Digest}) from the local manifest and loaded it into the engine; nothing pushed");
        return (image, layout);
    }

    /// <summary>The X-Registry-Auth of the Model API's login + pull: the config.json entry for the image's registry.</summary>
    private static async Task<RegistryAuth?> PullAuthAsync(DockerConfigCredentials credentials, string image, CancellationToken ct)
    {
        var reference = ImageReference.Parse(image);
        var credential = await credentials.ResolveAsync(reference.Registry, ct);
        if (credential is null) return null;
        return new RegistryAuth
        {
            Username = credential.Username,
            Password = credential.Password,
            IdentityToken = credential.IdentityToken,
            RegistryToken = credential.RegistryToken,
            ServerAddress = reference.Registry,
        };
    }

    /// <summary>Every credential value config.json holds, so none of them is printed even if the generator echoes it.</summary>
    private static async Task<IEnumerable<string?>> SecretsOfAsync(DockerConfigCredentials credentials, string configJson, CancellationToken ct)
    {
        var secrets = new List<string?>();
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(await File.ReadAllBytesAsync(configJson, ct));
            if (document.RootElement.TryGetProperty("auths", out var auths) && auths.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject())
                {
                    var credential = await credentials.ResolveAsync(entry.Name, ct);
                    secrets.AddRange([credential?.Password, credential?.IdentityToken, credential?.RegistryToken]);
                    if (entry.Value.ValueKind == System.Text.Json.JsonValueKind.Object && entry.Value.TryGetProperty("auth", out var auth) && auth.ValueKind == System.Text.Json.JsonValueKind.String)
                        secrets.Add(auth.GetString());
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Validate() has reported a malformed file already; nothing more to hide.
        }
        return secrets;
    }

    /// <summary>A directory for the local build's outputs, removed afterwards.</summary>
    private sealed class ScratchDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("mg-generate-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>Passes a container's output on line by line, as it comes, with secrets replaced (a secret cut by a frame boundary is still whole in its line).</summary>
public sealed class RedactingRelay(TextWriter target, SecretRedaction redaction) : IDisposable
{
    private const int MaxPending = 64 * 1024; // a line without an end (a progress bar) is passed on in pieces of this size
    private readonly MemoryStream _pending = new();

    public ValueTask Write(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            _pending.Write(bytes[start..(i + 1)]);
            Emit();
            start = i + 1;
        }
        _pending.Write(bytes[start..]);
        if (_pending.Length >= MaxPending) Emit();
        return ValueTask.CompletedTask;
    }

    public void Flush()
    {
        if (_pending.Length > 0) Emit();
        target.Flush();
    }

    private void Emit()
    {
        target.Write(redaction.Text(Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length)));
        target.Flush();
        _pending.SetLength(0);
    }

    public void Dispose() => _pending.Dispose();
}

/// <summary>Durations as flags take them.</summary>
public static class DurationParser
{
    /// <summary>Reads 90s, 30m, 2h, 1h30m or a number of seconds.</summary>
    public static TimeSpan Parse(string text, string flag)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain > 0) return TimeSpan.FromSeconds(plain);
        var total = TimeSpan.Zero;
        var rest = text.Trim();
        var units = new Dictionary<char, double> { ['h'] = 3600, ['m'] = 60, ['s'] = 1 };
        while (rest.Length > 0)
        {
            var end = 0;
            while (end < rest.Length && (char.IsAsciiDigit(rest[end]) || rest[end] == '.')) end++;
            if (end == 0 || end == rest.Length || !units.TryGetValue(rest[end], out var seconds)
                || !double.TryParse(rest[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw new UsageException($"{flag} '{text}' is not a duration; write e.g. 90s, 30m, 2h, 1h30m or a number of seconds");
            total += TimeSpan.FromSeconds(number * seconds);
            rest = rest[(end + 1)..];
        }
        if (total <= TimeSpan.Zero) throw new UsageException($"{flag} '{text}' must be more than zero");
        return total;
    }
}
