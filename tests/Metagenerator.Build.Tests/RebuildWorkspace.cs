using Metagenerator.Manifest;
using Metagenerator.Oci;
using Metagenerator.Registry;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Registry;

namespace Metagenerator.Build.Tests;

/// <summary>
/// One test's rebuild setup against its class's shared registry (<see cref="PlainRegistryWithBase"/>): the seed manifest
/// renamed to the test's own generator name (so its own repository), a model source, and a layer-record directory of
/// its own. Used by the tests of what a rebuild does with the destination's previous image
/// (<see cref="BrokenDestinationRebuildTests"/>, <see cref="DestinationLayerProofTests"/>).
/// </summary>
internal sealed class RebuildWorkspace : IDisposable
{
    public RebuildWorkspace(PlainRegistryWithBase shared, string name)
    {
        Registry = shared.Registry;
        Manifest = ManifestLoader.Load(TestModels.WriteManifest(Dir, "seed-example", Registry.Host, name: name));
        Source = TestModels.WriteModelSource(Dir, Manifest);
    }

    public LocalRegistry Registry { get; }

    public TempDirectory Dir { get; } = new("mg-rebuild");

    public GeneratorManifest Manifest { get; }

    public string Source { get; }

    /// <summary>Where the builds of this workspace record the layers they built.</summary>
    public string Records => Dir.Combine("records");

    public RegistryOptions Options => new() { InsecureRegistries = new HashSet<string> { Registry.Host } };

    /// <summary>A push of the workspace to GENERATOR_REGISTRY/NAME:v3 on the base, recording layers in <see cref="Records"/>.</summary>
    public GeneratorBuildRequest Request => new()
    {
        Image = new GeneratorImageSpec { Manifest = Manifest, ModelSource = Source },
        BaseImage = $"{Registry.Host}/base:1",
        Registry = Options,
        LayerRecordDirectory = Records,
    };

    public Task<GeneratorBuildResult> BuildAsync(GeneratorBuildRequest? request = null, IEvents? events = null) =>
        GeneratorBuild.RunAsync(request ?? Request, events);

    public void Dispose() => Dir.Dispose();
}
