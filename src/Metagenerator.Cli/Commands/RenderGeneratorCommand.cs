using System.CommandLine;
using Metagenerator.Entrypoint;
using Metagenerator.Manifest;

namespace Metagenerator.Cli.Commands;

/// <summary><c>render-generator</c>: prints the entrypoint script that goes into the generator image.</summary>
internal static class RenderGeneratorCommand
{
    public static Option<string?> BuilderOption() => new("--builder")
    {
        Description = "Image builder the generator runs: kaniko (default), buildah, buildkit or docker; overrides build.builder",
    };

    public static Command Create()
    {
        var manifest = ManifestCommands.ManifestArgument();
        var builder = BuilderOption();
        var command = new Command("render-generator", "Print the generator entrypoint script (POSIX sh) for a manifest") { manifest, builder };
        command.SetAction(parse =>
        {
            var loaded = ManifestLoader.Load(parse.GetValue(manifest)!);
            var kind = BuilderKindParser.Resolve(parse.GetValue(builder), loaded);
            Console.Out.Write(GeneratorScript.Render(loaded, kind));
            return ExitCodes.Ok;
        });
        return command;
    }
}
