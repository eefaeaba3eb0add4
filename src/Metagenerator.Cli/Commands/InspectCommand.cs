using System.CommandLine;
using Metagenerator.Cli.Output;
using Metagenerator.Inspection;
using Metagenerator.Manifest;
using Metagenerator.Registry;

namespace Metagenerator.Cli.Commands;

/// <summary><c>inspect</c>: a generator image (and the model images it built) as the Model API sees it (docs/contracts.md §7).</summary>
internal static class InspectCommand
{
    private static readonly Argument<string> Reference = ManifestCommands.RejectingFlags(new Argument<string>("REF")
    {
        Description = "The generator image: a registry reference (HOST/NAME:VERSION) or oci:DIR[:TAG]",
    });

    private static readonly Option<string> Format = new("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
    private static readonly Option<string?> Manifest = new("--manifest") { HelpName = "FILE", Description = $"Compare the image's labels with this local manifest; exit {ExitCodes.LabelsDiffer} when any differs" };
    private static readonly Option<bool> Models = new("--models") { Description = "Also list the model images this generator built (through MODEL_REGISTRY's catalog)" };
    private static readonly Option<string> VerbosityOption = new("--verbosity", "-v") { HelpName = "LEVEL", Description = "Log level: panic, fatal, error, warn, info, debug, trace", DefaultValueFactory = _ => "info" };
    private static readonly RegistryFlags RegistryAccess = new(workspace: ".");

    public static Command Create()
    {
        Format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("inspect", "Show a generator image as the Model API sees it: config, parameters, build section, base, digest, size; optionally its model images, or how its labels differ from a local manifest")
        {
            Reference, Format, Manifest, Models, VerbosityOption,
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
        // Local inputs are checked before any network work.
        var manifestPath = parse.GetValue(Manifest);
        var manifest = manifestPath is null ? null : ManifestLoader.Load(Path.GetFullPath(manifestPath, workspace));
        var credentials = RegistryAccess.Credentials(parse, workspace);
        reporter.Debug($"credentials: {credentials.Description}");
        using var client = new RegistryClient(RegistryAccess.Bind(parse, workspace, credentials), reporter);

        var inspector = new GeneratorInspector(client);
        var inspection = await inspector.InspectAsync(parse.GetValue(Reference)!, ct);
        var report = new InspectionReport(inspection);
        if (parse.GetValue(Models))
        {
            var (registry, prefix) = GeneratorInspector.ModelLocation(inspection.Generator);
            report = report with { Models = await inspector.ListModelsAsync(inspection.Generator, ct: ct), ModelRepositoryPrefix = $"{registry}/{prefix}" };
        }
        if (manifest is not null)
            report = report with { ManifestPath = manifestPath, Differences = GeneratorInspector.Compare(inspection, manifest) };

        Console.Out.Write(parse.GetValue(Format) == "json" ? InspectionJson.Render(report) : InspectionText.Render(report));
        return report.Differences is { Count: > 0 } ? ExitCodes.LabelsDiffer : ExitCodes.Ok;
    }
}
