using Metagenerator.Cli.Output;
using Metagenerator.Oci;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests.Output;

[Tier(Tier.Unit)]
public class ConsoleReporterTests
{
    private static readonly Descriptor Blob = new() { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256("layer"u8), Size = 2048 };

    private static string Run(bool interactive, Verbosity verbosity)
    {
        var output = new StringWriter();
        var reporter = new ConsoleReporter(verbosity, output, interactive);
        reporter.Transfer(new TransferEvent(Blob, TransferKind.Uploading, 0));
        reporter.Transfer(new TransferEvent(Blob, TransferKind.Uploading, 1024));
        reporter.Transfer(new TransferEvent(Blob, TransferKind.Uploading, 2048));
        reporter.Transfer(new TransferEvent(Blob, TransferKind.Uploaded, 2048));
        reporter.Info("done");
        Assert.Equal(1, reporter.Uploaded);
        Assert.Equal(2048, reporter.UploadedBytes);
        return output.ToString();
    }

    [Fact]
    public void On_a_terminal_one_line_per_blob_is_redrawn_as_a_bar()
    {
        var text = Run(interactive: true, Verbosity.Info);
        Assert.Contains("\r", text);
        Assert.Contains(" 50% of 2.0 KiB", text);
        Assert.Contains("[##########..........]", text);
        Assert.EndsWith($"uploaded 2.0 KiB{Environment.NewLine}done{Environment.NewLine}", text);
    }

    [Fact]
    public void Otherwise_plain_lines_without_control_characters()
    {
        var text = Run(interactive: false, Verbosity.Info);
        Assert.DoesNotContain("\r", text);
        Assert.DoesNotContain("\x1b", text);
        var lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"sha256:{Blob.Digest.Short}: uploading 2.0 KiB", $"sha256:{Blob.Digest.Short}: uploaded 2.0 KiB", "done"], lines);
    }

    [Fact]
    public void Below_info_nothing_but_what_was_asked_for_is_written()
    {
        Assert.Equal("", Run(interactive: false, Verbosity.Warn));
    }
}
