using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>
/// The layer format pinned by a digest: in-process only (the layer builder writes its blob to a temp directory and
/// runs no program), so it is a unit test; its agreement with GNU tar is checked in <see cref="LayerBuilderTests"/>.
/// </summary>
[Tier(Tier.Unit)]
public sealed class LayerFormatPinTests
{
    [Fact]
    public async Task Pinned_diff_id_for_fixed_input()
    {
        // The uncompressed tar is fully determined by this code: pin it so any format change is deliberate.
        using var dir = new TempDirectory();
        var spec = new LayerSpec
        {
            Sources =
            [
                new FileSource("workspace/generator.sh", "#!/bin/sh\n"u8.ToArray(), (UnixFileMode)0b111_101_101),
                new FileSource("GENERATOR-MANIFEST.yml", "a: b\n"u8.ToArray(), (UnixFileMode)0b110_100_100),
            ],
        };
        var layer = await LayerBuilder.BuildAsync(spec, dir.Path);
        // Byte-identical to: tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1 -b 1
        Assert.Equal("sha256:0d71442a56b0137feca35b37476783dcdac53dd4334414382342d607491f7acf", layer.DiffId.ToString());
        Assert.Equal(7 * 512, layer.UncompressedSize); // 3 headers, 2 data blocks, 2 end blocks
    }
}
