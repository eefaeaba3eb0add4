using System.CommandLine;
using Metagenerator.Manifest;

namespace Metagenerator.Cli.Commands;

/// <summary><c>validate</c>, <c>labels</c> and <c>init</c>: the commands that only read or write manifests.</summary>
internal static class ManifestCommands
{
    public const string DefaultManifest = "GENERATOR-MANIFEST.yml";

    public static Argument<string> ManifestArgument() => RejectingFlags(new Argument<string>("MANIFEST")
    {
        Description = "The generator manifest",
        DefaultValueFactory = _ => DefaultManifest,
        Arity = ArgumentArity.ZeroOrOne,
    });

    /// <summary>
    /// An unknown flag would otherwise be taken as an optional positional argument (a manifest named
    /// "--cache=true"); report it as the unknown flag it is.
    /// </summary>
    public static Argument<T> RejectingFlags<T>(Argument<T> argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (token.Value.StartsWith('-') && token.Value.Length > 1)
                    result.AddError($"unknown flag '{token.Value}' (see --help for the flags this command takes)");
        });
        return argument;
    }

    public static Command Validate()
    {
        var manifest = ManifestArgument();
        var modelSource = new Option<string?>("--model-src") { Description = "Also check that MODEL_DOCKERFILE exists in this model source directory" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("validate", "Check a generator manifest; report every problem as FILE:LINE:COL: error: KEY: MESSAGE") { manifest, modelSource, format };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(manifest)!;
            var json = parse.GetValue(format) == "json";
            List<ManifestError> errors = [];
            GeneratorManifest? loaded = null;
            try
            {
                loaded = ManifestLoader.Load(path);
            }
            catch (ManifestException e)
            {
                errors.AddRange(e.Errors);
            }
            if (loaded is not null && parse.GetValue(modelSource) is { } source)
                errors.AddRange(ManifestLoader.CheckModelSource(loaded, source));

            if (json)
            {
                Console.Out.WriteLine(ManifestError.ToJson(errors));
            }
            else if (errors.Count == 0)
            {
                Console.Out.WriteLine($"{path}: ok ({loaded!.Name}:{loaded.Version}, {loaded.Schema.ToString().ToLowerInvariant()} schema)");
            }
            else
            {
                foreach (var error in errors) Console.Error.WriteLine(error);
            }
            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    public static Command Labels()
    {
        var manifest = ManifestArgument();
        var command = new Command("labels", "Print the generator image's labels, one KEY=VALUE a line, in manifest order (line breaks in values as \\n)") { manifest };
        command.SetAction(parse =>
        {
            var loaded = ManifestLoader.Load(parse.GetValue(manifest)!);
            // One label a line: a value with line breaks (a YAML block scalar) is printed with \n escapes.
            foreach (var (key, value) in loaded.Labels)
                Console.Out.WriteLine($"{key}={value.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Init()
    {
        var directory = new Argument<string>("DIR")
        {
            Description = "Where to create GENERATOR-MANIFEST.yml and model-src/",
            DefaultValueFactory = _ => ".",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("init", "Create a commented example manifest and a model-src/ with a Dockerfile") { directory };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            var manifestPath = Path.Combine(dir, DefaultManifest);
            var dockerfilePath = Path.Combine(dir, "model-src", "Dockerfile");
            foreach (var existing in new[] { manifestPath, dockerfilePath }.Where(File.Exists))
            {
                Console.Error.WriteLine($"error: {existing} already exists; init never overwrites files. Choose an empty directory: metagenerator init DIR");
                return ExitCodes.InvalidInput;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(dockerfilePath)!);
            File.WriteAllText(manifestPath, ManifestTemplates.InitManifest);
            File.WriteAllText(dockerfilePath, ManifestTemplates.InitDockerfile);
            Console.Out.WriteLine($"created {manifestPath}");
            Console.Out.WriteLine($"created {dockerfilePath}");
            Console.Out.WriteLine($"next: metagenerator validate {manifestPath} --model-src {Path.Combine(dir, "model-src")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
