using Metagenerator.Oci;
using Metagenerator.Registry;

namespace Metagenerator.Build;

/// <summary>One <c>metagenerator build</c>: what to build, from which base, and where to put it.</summary>
public sealed record GeneratorBuildRequest
{
    /// <summary>What goes into the image.</summary>
    public required GeneratorImageSpec Image { get; init; }

    /// <summary>The base: a registry reference or <c>oci:DIR[:TAG]</c>.</summary>
    public required string BaseImage { get; init; }

    /// <summary>The platform picked from a multi-platform base.</summary>
    public Platform Platform { get; init; } = Platform.LinuxAmd64;

    /// <summary>Extra destinations beyond GENERATOR_REGISTRY/NAME:VERSION.</summary>
    public IReadOnlyList<string> Destinations { get; init; } = [];

    /// <summary>False for <c>--no-push</c>.</summary>
    public bool Push { get; init; } = true;

    /// <summary>Where to write a docker-archive tarball, if anywhere.</summary>
    public string? TarPath { get; init; }

    /// <summary>Which OCI layout directory to write the image into, if any.</summary>
    public string? OciLayout { get; init; }

    /// <summary>Registry connection settings (TLS, credentials, retries).</summary>
    public required RegistryOptions Registry { get; init; }

    /// <summary>Where the layer files are staged before upload.</summary>
    public string ScratchDirectory { get; init; } = Path.GetTempPath();

    /// <summary>
    /// Where the records of layers built here are kept (<see cref="LayerRecords"/>): a rebuild reuses a destination's layer
    /// only when such a record proves it. Null: nothing is recorded, and every layer is built again.
    /// </summary>
    public string? LayerRecordDirectory { get; init; } = LayerRecords.DefaultDirectory();
}

/// <summary>The outcome of a build.</summary>
/// <param name="Digest">The image manifest digest.</param>
/// <param name="Pushed">Every pushed destination as REF@DIGEST, in order.</param>
/// <param name="NewLayers">The layers added to the base, bottom to top, each with what it holds and whether it was reused.</param>
public sealed record GeneratorBuildResult(Digest Digest, IReadOnlyList<ImageReference> Pushed, IReadOnlyList<GeneratorLayer> NewLayers);
