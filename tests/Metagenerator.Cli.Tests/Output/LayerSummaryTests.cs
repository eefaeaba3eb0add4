using Metagenerator.Build;
using Metagenerator.Cli.Output;
using Metagenerator.Oci;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests.Output;

[Tier(Tier.Unit)]
public class LayerSummaryTests
{
    private static GeneratorLayer Layer(string contents, string seed, bool reused, params string[] files) => new(
        contents,
        new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Sha256(System.Text.Encoding.UTF8.GetBytes(seed)), Size = 3 * 1024 },
        Digest.Sha256(System.Text.Encoding.UTF8.GetBytes(seed + "-tar")),
        reused, files, 5 * 1024 * 1024);

    private static readonly GeneratorLayer Data = Layer("model source: large files, group 2 of 8", "data", reused: true, "workspace/model-src/data/grid.bin");
    private static readonly GeneratorLayer Code = Layer("model source: small files, directories and symlinks", "code", reused: false, "workspace/model-src/a.py", "workspace/model-src/b.py");
    private static readonly GeneratorLayer Script = Layer("GENERATOR-MANIFEST.yml and generator.sh", "script", reused: false, "GENERATOR-MANIFEST.yml", "workspace/generator.sh");

    private static string[] Lines(Verbosity verbosity, bool pushed)
    {
        var output = new StringWriter();
        var reporter = new ConsoleReporter(verbosity, output, interactive: false);
        reporter.Transfer(new TransferEvent(Data.Descriptor, TransferKind.Exists, 0));
        reporter.Transfer(new TransferEvent(Code.Descriptor, TransferKind.Uploaded, Code.Descriptor.Size));
        reporter.Transfer(new TransferEvent(Script.Descriptor, TransferKind.Exists, 0));
        output.GetStringBuilder().Clear();
        LayerSummary.Write(reporter, [Data, Code, Script], pushed);
        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Each_layer_says_what_it_holds_and_whether_it_was_reused_uploaded_or_already_there()
    {
        Assert.Equal(
        [
            $"layer 1/3: model source: large files, group 2 of 8: 1 file, 5.0 MiB; sha256:{Data.Descriptor.Digest.Short} reused: unchanged in the destination, not compressed or uploaded",
            $"layer 2/3: model source: small files, directories and symlinks: 2 files, 5.0 MiB; sha256:{Code.Descriptor.Digest.Short} built (3.0 KiB compressed), uploaded",
            $"layer 3/3: GENERATOR-MANIFEST.yml and generator.sh: 2 files, 5.0 MiB; sha256:{Script.Descriptor.Digest.Short} built (3.0 KiB compressed), already in the registry",
        ], Lines(Verbosity.Info, pushed: true));
    }

    [Fact]
    public void Without_a_push_built_layers_say_only_built()
    {
        Assert.EndsWith("built (3.0 KiB compressed)", Lines(Verbosity.Info, pushed: false)[1]);
    }

    [Fact]
    public void Debug_lists_the_files_of_each_layer_under_it()
    {
        var lines = Lines(Verbosity.Debug, pushed: true);
        Assert.Equal(3 + 5, lines.Length);
        Assert.StartsWith("layer 1/3", lines[0]);
        Assert.Equal("    /workspace/model-src/data/grid.bin", lines[1]);
        Assert.StartsWith("layer 2/3", lines[2]);
        Assert.Equal(["    /workspace/model-src/a.py", "    /workspace/model-src/b.py"], lines[3..5]);
        Assert.Equal(["    /GENERATOR-MANIFEST.yml", "    /workspace/generator.sh"], lines[6..8]);
    }
}
