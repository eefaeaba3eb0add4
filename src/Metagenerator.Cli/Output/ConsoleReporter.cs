using Metagenerator.Oci;
using Metagenerator.Oci.Text;

namespace Metagenerator.Cli.Output;

/// <summary>The CLI's <see cref="IEvents"/>: writes diagnostics to stderr by level and shows blob transfer progress.</summary>
/// <remarks>
/// Steps and waiting notices are info, details debug, registry requests trace. Errors are not written here: the CLI prints them whatever the level. On a terminal one line per blob is rewritten in place; otherwise each blob gets plain lines when it
/// starts and finishes, so CI logs stay readable. Results (references, labels) go to stdout, never here.
/// </remarks>
public sealed class ConsoleReporter : IEvents
{
    private readonly TextWriter _err;
    private readonly bool _interactive;
    private readonly Lock _gate = new();
    private readonly Dictionary<Digest, long> _lastShown = [];
    private readonly Dictionary<Digest, TransferKind> _outcomes = [];

    public ConsoleReporter(Verbosity verbosity, TextWriter? error = null, bool? interactive = null)
    {
        Verbosity = verbosity;
        _err = error ?? Console.Error;
        _interactive = interactive ?? (!Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb"));
    }

    /// <summary>The chosen level; messages above it are dropped.</summary>
    public Verbosity Verbosity { get; }

    /// <summary>Blobs uploaded so far (for the summary line).</summary>
    public int Uploaded { get; private set; }

    /// <summary>Bytes uploaded so far.</summary>
    public long UploadedBytes { get; private set; }

    /// <summary>Blobs that were already present or mounted.</summary>
    public int Skipped { get; private set; }

    /// <summary>How each blob reached the registries so far: uploaded to any destination beats mounted, which beats already present.</summary>
    public IReadOnlyDictionary<Digest, TransferKind> Outcomes
    {
        get { lock (_gate) return new Dictionary<Digest, TransferKind>(_outcomes); }
    }

    /// <summary>Writes a warning (shown at warn verbosity and above).</summary>
    public void Warn(string message) => Write(Verbosity.Warn, message);

    public void Info(string message) => Write(Verbosity.Info, message);

    public void Debug(string message) => Write(Verbosity.Debug, message);

    public void Trace(string message) => Write(Verbosity.Trace, message);

    /// <inheritdoc/>
    public void Waiting(string notice) => Info(notice);

    /// <inheritdoc/>
    public void Request(string line) => Trace(line);

    private void Write(Verbosity level, string message)
    {
        if (level > Verbosity) return;
        // Lines quote registries (their error messages, at debug and trace too): never a credential, never a control character.
        var shown = ErrorReporting.Shown(message);
        lock (_gate) _err.WriteLine(shown);
    }

    /// <inheritdoc/>
    /// <remarks>Its lines hold only a digest and sizes, so they skip the redaction (it would escape the terminal's <c>\r</c>).</remarks>
    public void Transfer(TransferEvent value)
    {
        lock (_gate)
        {
            var blob = value.Blob;
            var name = $"{blob.Digest.Algorithm}:{blob.Digest.Short}";
            if (value.Kind != TransferKind.Uploading && (!_outcomes.TryGetValue(blob.Digest, out var earlier) || Rank(value.Kind) > Rank(earlier)))
                _outcomes[blob.Digest] = value.Kind;
            switch (value.Kind)
            {
                case TransferKind.Exists:
                    Skipped++;
                    if (Verbosity >= Verbosity.Debug) _err.WriteLine($"{name}: already present ({Size(blob.Size)})");
                    break;
                case TransferKind.Mounted:
                    Skipped++;
                    if (Verbosity >= Verbosity.Info) _err.WriteLine($"{name}: mounted ({Size(blob.Size)})");
                    break;
                case TransferKind.Uploading:
                    if (Verbosity < Verbosity.Info) break;
                    if (_interactive)
                    {
                        var percent = blob.Size > 0 ? Math.Min(100, value.BytesDone * 100 / blob.Size) : 100;
                        _err.Write($"\r{name}: uploading {Bar(percent)} {percent,3}% of {Size(blob.Size)}");
                    }
                    else if (!_lastShown.ContainsKey(blob.Digest))
                    {
                        _lastShown[blob.Digest] = 0;
                        _err.WriteLine($"{name}: uploading {Size(blob.Size)}");
                    }
                    break;
                case TransferKind.Uploaded:
                    Uploaded++;
                    UploadedBytes += blob.Size;
                    if (Verbosity < Verbosity.Info) break;
                    if (_interactive) _err.Write("\r\x1b[2K");
                    _err.WriteLine($"{name}: uploaded {Size(blob.Size)}");
                    break;
            }
        }
    }

    private static int Rank(TransferKind kind) => kind switch
    {
        TransferKind.Uploaded => 3,
        TransferKind.Mounted => 2,
        _ => 1,
    };

    private static string Bar(long percent)
    {
        var filled = (int)(percent / 5);
        return "[" + new string('#', filled) + new string('.', 20 - filled) + "]";
    }

    /// <summary>Formats a byte count for people.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
