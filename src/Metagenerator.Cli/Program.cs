using System.CommandLine;
using Metagenerator.Cli;
using Metagenerator.Cli.Commands;

return await Cli.RunAsync(args);

namespace Metagenerator.Cli
{
    /// <summary>The command tree and the one place where failures become messages and exit codes.</summary>
    public static class Cli
    {
        /// <summary>Runs the CLI with <paramref name="args"/>; returns the exit code.</summary>
        public static async Task<int> RunAsync(string[] args, CancellationToken ct = default)
        {
            args = WorkspaceDefaults.Apply(args, Environment.GetEnvironmentVariable(WorkspaceDefaults.Variable), Console.Out);
            var root = new RootCommand("metagenerator: turns a model source and a generator manifest into a generator image, and pushes it without a daemon")
            {
                ManifestCommands.Validate(),
                ManifestCommands.Labels(),
                ManifestCommands.Init(),
                RenderGeneratorCommand.Create(),
                BuildCommand.Create(),
                InspectCommand.Create(),
                GenerateCommand.Create(),
            };

            string? extraFlags = null;
            try
            {
                args = WithExtraFlags(args, out extraFlags);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"error: EXTRA_FLAGS: {e.Message}; quote with '…' or \"…\" and close every quote");
                return ExitCodes.InvalidInput;
            }

            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
                if (extraFlags is not null) Console.Error.WriteLine($"note: EXTRA_FLAGS added these flags: {extraFlags}");
                Console.Error.WriteLine($"Run 'metagenerator {CommandName(args)}--help' for usage.");
                return ExitCodes.InvalidInput;
            }

            using var signals = new SignalCancellation(ct);
            try
            {
                // Signals are handled here (SignalCancellation), not by System.CommandLine, so that the exit code says which one came.
                var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
                return await parse.InvokeAsync(configuration, signals.Token);
            }
            catch (Exception) when (signals.Signal is { } signal)
            {
                // Whatever the cancellation surfaced as (OperationCanceledException, a closed stream), the cause is the signal.
                var (code, message) = ErrorReporting.Interrupted(signal);
                Console.Error.WriteLine(message);
                return code;
            }
            catch (Exception e)
            {
                var (code, message) = ErrorReporting.Describe(e);
                Console.Error.WriteLine(message);
                if (code == ExitCodes.Unexpected || Environment.GetEnvironmentVariable("METAGENERATOR_TRACE") == "1")
                    Console.Error.WriteLine(ErrorReporting.ShownLines(e.ToString()));
                return code;
            }
        }

        /// <summary>For <c>build</c> and <c>inspect</c>, appends the words of the EXTRA_FLAGS environment variable (kaniko's convention).</summary>
        private static string[] WithExtraFlags(string[] args, out string? extraFlags)
        {
            extraFlags = Environment.GetEnvironmentVariable("EXTRA_FLAGS");
            if (string.IsNullOrWhiteSpace(extraFlags) || args.Length == 0 || args[0] is not ("build" or "inspect"))
            {
                extraFlags = null;
                return args;
            }
            return [.. args, .. ShellWords.Split(extraFlags)];
        }

        private static string CommandName(string[] args) =>
            args.Length > 0 && !args[0].StartsWith('-') ? args[0] + " " : "";
    }
}
