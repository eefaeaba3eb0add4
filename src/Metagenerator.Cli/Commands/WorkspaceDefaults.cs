namespace Metagenerator.Cli.Commands;

/// <summary>
/// The metagenerator image's command line (docs/contracts.md §5): the image sets <see cref="Variable"/> to <c>build</c>, so
/// <c>docker run … metagenerator</c> with no arguments builds <c>/workspace/GENERATOR-MANIFEST.yml</c> and
/// <c>/workspace/model-src</c> (the working directory is <c>/workspace</c>), <c>metagenerator MANIFEST MODEL-SRC</c>
/// builds custom names, and the other commands stay reachable by name. Outside the image nothing changes.
/// </summary>
internal static class WorkspaceDefaults
{
    /// <summary>Names the command that runs when the arguments do not start with one.</summary>
    public const string Variable = "METAGENERATOR_DEFAULT_COMMAND";

    private static readonly string[] CommandNames = ["build", "validate", "labels", "init", "render-generator"];
    private static readonly string[] HelpWords = ["help", "--help", "-h", "-?"];

    /// <summary>The arguments to run, given the image's arguments and the value of <see cref="Variable"/>.</summary>
    public static string[] Apply(string[] args, string? defaultCommand, TextWriter output)
    {
        if (string.IsNullOrEmpty(defaultCommand) || !CommandNames.Contains(defaultCommand)) return args;
        if (args.Length == 0) return [defaultCommand];
        if (CommandNames.Contains(args[0]) || args[0] == "--version") return args;
        if (HelpWords.Contains(args[0]))
        {
            // `help validate` is `validate --help`; plain help explains the image's defaults, then the default command's flags.
            if (args.Length > 1 && CommandNames.Contains(args[1])) return [args[1], "--help"];
            output.WriteLine(Usage(defaultCommand));
            return [defaultCommand, "--help"];
        }
        return [defaultCommand, .. args];
    }

    private static string Usage(string defaultCommand) => $"""
        The metagenerator image runs '{defaultCommand}' in /workspace unless the first argument names another command:
          docker run --rm -v DIR:/workspace metagenerator                        GENERATOR-MANIFEST.yml, model-src, config.json in DIR
          docker run --rm -v DIR:/workspace metagenerator MANIFEST MODEL-SRC     other names, relative to /workspace
          docker run --rm -v DIR:/workspace -e EXTRA_FLAGS="--skip-tls-verify" metagenerator   more flags (below) from EXTRA_FLAGS
          docker run --rm -v DIR:/workspace metagenerator validate|labels|init|render-generator [--help]
        The container runs as root; add --user "$(id -u):$(id -g)" to own what it writes (--tar-path, --digest-file).

        """;
}
