using System.CommandLine;
using System.CommandLine.Parsing;
using Metagenerator.Build;
using Metagenerator.Cli.Output;
using Metagenerator.Entrypoint;
using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Cli.Commands;

/// <summary><c>build</c>: assembles the generator image and pushes or writes it (docs/contracts.md §5).</summary>
internal static class BuildCommand
{
    private static readonly Argument<string> Manifest = ManifestCommands.RejectingFlags(new Argument<string>("MANIFEST")
    {
        Description = "The generator manifest, relative to the workspace",
        DefaultValueFactory = _ => ManifestCommands.DefaultManifest,
        Arity = ArgumentArity.ZeroOrOne,
    });

    private static readonly Argument<string> ModelSource = ManifestCommands.RejectingFlags(new Argument<string>("MODEL-SRC")
    {
        Description = "The model source directory, relative to the workspace",
        DefaultValueFactory = _ => "model-src",
        Arity = ArgumentArity.ZeroOrOne,
    });

    private static readonly Option<string?> Workspace = new("--workspace") { HelpName = "DIR", Description = "Directory that relative paths and config.json are looked up in (default: the working directory)" };
    private static readonly Option<string[]> Destination = new("--destination", "-d") { HelpName = "REF", Description = "Also push to REF (repeatable); GENERATOR_REGISTRY/NAME:VERSION is always a destination", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<bool> NoPush = new("--no-push") { Description = "Build only; write --tar-path/--oci-layout outputs but push nothing" };
    private static readonly Option<string?> TarPath = new("--tar-path") { HelpName = "FILE", Description = "Write a docker-archive tarball (docker load / podman load) to FILE" };
    private static readonly Option<string?> OciLayoutDir = new("--oci-layout") { HelpName = "DIR", Description = "Write the image into the OCI image layout DIR (tagged with the version)" };
    private static readonly Option<string?> DigestFile = new("--digest-file") { HelpName = "FILE", Description = "Write the image digest (sha256:…) to FILE" };
    private static readonly Option<string?> ImageNameWithDigestFile = new("--image-name-with-digest-file") { HelpName = "FILE", Description = "Write REF@sha256:… of every destination, one a line, to FILE" };
    private static readonly Option<string[]> Label = new("--label") { HelpName = "KEY=VALUE", Description = "Add or override a label KEY=VALUE (repeatable)" };
    private static readonly Option<string> VerbosityOption = new("--verbosity", "-v") { HelpName = "LEVEL", Description = "Log level: panic, fatal, error, warn, info, debug, trace", DefaultValueFactory = _ => "info" };
    private static readonly Option<string?> GeneratorBase = new("--generator-base") { HelpName = "REF", Description = "Base image: a registry reference or oci:DIR[:TAG]; overrides build.base_image and the builder's default" };
    private static readonly Option<string?> Builder = RenderGeneratorCommand.BuilderOption();
    private static readonly Option<string> CustomPlatform = new("--custom-platform") { HelpName = "OS/ARCH[/VARIANT]", Description = "Platform to pick from a multi-platform base", DefaultValueFactory = _ => "linux/amd64" };
    private static readonly RegistryFlags RegistryAccess = new();
    private static readonly Option<string> Compression = new("--compression") { Description = "Layer compression: gzip or zstd", DefaultValueFactory = _ => "gzip" };
    private static readonly Option<int?> CompressionLevel = new("--compression-level") { HelpName = "N", Description = $"Compression level ({LevelRange(LayerCompression.Gzip)}, {LevelRange(LayerCompression.Zstd)}; default: {DefaultLevels()})" };
    private static readonly Option<string?> LargeFileThreshold = new("--large-file-threshold") { HelpName = "SIZE", Description = "Model source files of at least SIZE bytes (suffix K, M, G: powers of 1024) go into their own layers, grouped by a hash of their path (default 1M)" };

    public static Command Create()
    {
        Compression.AcceptOnlyFromAmong("gzip", "zstd");
        var command = new Command("build", "Assemble the generator image (base + layers by volatility + config) and push it, without a daemon")
        {
            Manifest, ModelSource, Workspace, Destination, NoPush, TarPath, OciLayoutDir, DigestFile, ImageNameWithDigestFile,
            Label, VerbosityOption, GeneratorBase, Builder, CustomPlatform, Compression, CompressionLevel, LargeFileThreshold,
        };
        RegistryAccess.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var verbosity = VerbosityParser.FromOption(parse.GetValue(VerbosityOption));
        var reporter = new ConsoleReporter(verbosity);
        if (parse.GetValue(RegistryAccess.PushRetry) < 0) throw new UsageException("--push-retry must be 0 or more");

        var workspace = Path.GetFullPath(parse.GetValue(Workspace) ?? Environment.CurrentDirectory);
        if (!Directory.Exists(workspace))
            throw new UsageException($"--workspace '{workspace}' does not exist");
        string InWorkspace(string path) => Path.GetFullPath(path, workspace);

        if (parse.GetValue(OciLayoutDir) is { } layoutPath && File.Exists(InWorkspace(layoutPath)))
            throw new UsageException($"--oci-layout '{layoutPath}' is a file; give a directory (it is created if missing)");
        if (parse.GetValue(TarPath) is { } tarPath && Directory.Exists(InWorkspace(tarPath)))
            throw new UsageException($"--tar-path '{tarPath}' is a directory; give the path of the tar file to write");
        // Outputs that would be refused (a device, the terminal) are refused before any work.
        foreach (var (flag, output) in new[] { ("--tar-path", parse.GetValue(TarPath)), ("--digest-file", parse.GetValue(DigestFile)), ("--image-name-with-digest-file", parse.GetValue(ImageNameWithDigestFile)) })
        {
            if (output is null) continue;
            try { OutputFile.Check(InWorkspace(output)); }
            catch (InvalidInputException e) { throw new UsageException($"{flag}: {e.Message}"); }
        }

        var manifest = ManifestLoader.Load(InWorkspace(parse.GetValue(Manifest)!));
        var modelSource = InWorkspace(parse.GetValue(ModelSource)!);
        var sourceErrors = ManifestLoader.CheckModelSource(manifest, modelSource);
        if (sourceErrors.Count > 0) throw new ManifestException(sourceErrors);

        var level = parse.GetValue(CompressionLevel);
        var compression = parse.GetValue(Compression) == "zstd" ? LayerCompression.Zstd : LayerCompression.Gzip;
        try { LayerBuilder.CheckCompressionLevel(compression, level); }
        catch (InvalidInputException e) { throw new UsageException($"--compression-level: {e.Message}"); }

        var builder = BuilderKindParser.Resolve(parse.GetValue(Builder), manifest);
        var credentials = RegistryAccess.Credentials(parse, workspace); // a malformed config.json is reported now, not only when a registry asks for credentials
        reporter.Debug($"credentials: {credentials.Description}");
        // The credentials file in use never goes into the image, wherever it is (README: what goes into the image).
        IReadOnlyList<string> excludedFiles = credentials.ConfigPath is { } configPath ? [configPath] : [];
        if (credentials.ConfigPath is { } inUse && WouldBePacked(modelSource, inUse) is { } packedAs)
            reporter.Warn($"warning: {inUse} (the credentials file in use) is in the model source as '{packedAs}'; it is left out of the image");
        var request = new GeneratorBuildRequest
        {
            Image = new GeneratorImageSpec
            {
                Manifest = manifest,
                ModelSource = modelSource,
                Builder = builder,
                Created = SourceDateEpoch.FromEnvironment(),
                ExtraLabels = RegistryFlags.ParsePairs(parse.GetValue(Label) ?? [], "--label", "KEY=VALUE"),
                Compression = compression,
                CompressionLevel = level,
                LargeFileThreshold = parse.GetValue(LargeFileThreshold) is { } threshold ? ParseSize(threshold, "--large-file-threshold") : LayerPartitioner.DefaultLargeFileThreshold,
                ExcludedHostPaths = excludedFiles,
            },
            BaseImage = CheckedBase(parse.GetValue(GeneratorBase)) ?? manifest.BaseImage ?? BuilderDefaults.BaseImage(builder),
            Platform = ParsePlatform(parse.GetValue(CustomPlatform)!),
            Destinations = parse.GetValue(Destination) ?? [],
            Push = !parse.GetValue(NoPush),
            TarPath = parse.GetValue(TarPath) is { } tar ? InWorkspace(tar) : null,
            OciLayout = parse.GetValue(OciLayoutDir) is { } layout ? InWorkspace(layout) : null,
            Registry = RegistryAccess.Bind(parse, workspace, credentials),
            ScratchDirectory = Path.GetTempPath(),
        };

        var result = await GeneratorBuild.RunAsync(request, reporter, ct);

        if (parse.GetValue(DigestFile) is { } digestFile)
            await WriteTextAsync(InWorkspace(digestFile), result.Digest.ToString(), ct);
        if (parse.GetValue(ImageNameWithDigestFile) is { } namesFile)
            await WriteTextAsync(InWorkspace(namesFile), string.Concat(result.Pushed.Select(r => r + Environment.NewLine)), ct);

        LayerSummary.Write(reporter, result.NewLayers, pushed: result.Pushed.Count > 0);
        if (result.Pushed.Count > 0)
            reporter.Info($"pushed: {reporter.Uploaded} blob(s) uploaded ({ConsoleReporter.Size(reporter.UploadedBytes)}), {reporter.Skipped} already present or mounted");
        // With the tar on standard output (piped into docker load), the result lines must not follow it there.
        var resultOut = request.TarPath is { } written && OutputFile.IsStandardOutput(written) ? Console.Error : Console.Out;
        foreach (var pushed in result.Pushed) resultOut.WriteLine(pushed);
        if (result.Pushed.Count == 0) resultOut.WriteLine(result.Digest);
        return ExitCodes.Ok;
    }

    /// <summary>The path <paramref name="file"/> would have in the image's model source (null when it is outside it or ignored).</summary>
    private static string? WouldBePacked(string modelSource, string file)
    {
        if (HostPath.RelativeInside(modelSource, file) is not { } relative) return null;
        try
        {
            return DockerIgnore.Load(modelSource).IsExcluded(relative) ? null : relative;
        }
        catch (InvalidInputException)
        {
            return relative; // the layer build reports the bad .dockerignore
        }
    }

    private static async Task WriteTextAsync(string path, string text, CancellationToken ct)
    {
        await using var output = OutputFile.Open(path);
        await output.Stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct);
        await output.CommitAsync(ct);
    }

    private static string DefaultLevels() =>
        $"gzip {LayerBuilder.DefaultCompressionLevel(LayerCompression.Gzip)}, zstd {LayerBuilder.DefaultCompressionLevel(LayerCompression.Zstd)}";

    private static string LevelRange(LayerCompression compression)
    {
        var (min, max) = LayerBuilder.CompressionLevelRange(compression);
        return $"{compression.ToString().ToLowerInvariant()} {min}-{max}";
    }

    /// <summary>The <c>--generator-base</c> value, refused here (naming the flag) when it is not a reference.</summary>
    private static string? CheckedBase(string? reference)
    {
        if (reference is null) return null;
        var ok = OciLayoutReference.IsOciLayoutReference(reference)
            ? OciLayoutReference.TryParse(reference, out _, out var error)
            : ImageReference.TryParse(reference, out _, out error);
        return ok ? reference : throw new UsageException($"--generator-base: {error}");
    }

    private static Platform ParsePlatform(string text)
    {
        try { return Platform.Parse(text); }
        catch (InvalidInputException e) { throw new UsageException("--custom-platform: " + e.Message); }
    }

    /// <summary>A positive byte count with an optional K, M or G suffix (powers of 1024, as Docker's size flags read them; a trailing B or iB is allowed).</summary>
    internal static long ParseSize(string text, string flag)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text.Trim(), "^([0-9]{1,15})([KMG]?)(?:I?B)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (match.Success)
        {
            var bytes = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var shift = match.Groups[2].Value.ToUpperInvariant() switch { "K" => 10, "M" => 20, "G" => 30, _ => 0 };
            if (bytes >= 1 && bytes <= long.MaxValue >> shift) return bytes << shift;
        }
        throw new UsageException($"{flag} '{text}' is not a size; give a positive number of bytes, optionally with K, M or G (e.g. 1M)");
    }
}
