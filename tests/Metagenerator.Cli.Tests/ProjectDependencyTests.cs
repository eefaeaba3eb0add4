using System.Reflection;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Cli.Tests;

/// <summary>
/// The pipeline's boundaries, checked on the built assemblies: each library references only the base class library and
/// the projects and packages its row allows, so a new reference across a boundary is a decision made here, not by accident.
/// </summary>
[Tier(Tier.Unit)]
public class ProjectDependencyTests
{
    /// <summary>Each src project (by directory), its assembly, and the Metagenerator assemblies and packages it may reference.</summary>
    public static readonly TheoryData<string, string, string[]> Projects = new()
    {
        { "Metagenerator.Errors", "Metagenerator.Errors", [] },
        { "Metagenerator.HostFiles", "Metagenerator.HostFiles", ["Metagenerator.Errors"] },
        { "Metagenerator.Oci", "Metagenerator.Oci", ["Metagenerator.Errors", "Metagenerator.HostFiles", "ZstdSharp", "System.IO.Hashing"] },
        { "Metagenerator.Registry", "Metagenerator.Registry", ["Metagenerator.Errors", "Metagenerator.HostFiles", "Metagenerator.Oci"] },
        // The manifest reads image references (build.base_image, build.cache) with the image model's parser.
        { "Metagenerator.Manifest", "Metagenerator.Manifest", ["Metagenerator.Errors", "Metagenerator.HostFiles", "Metagenerator.Oci", "YamlDotNet"] },
        { "Metagenerator.Entrypoint", "Metagenerator.Entrypoint", ["Metagenerator.Errors", "Metagenerator.Manifest"] },
        { "Metagenerator.Inspection", "Metagenerator.Inspection", ["Metagenerator.Errors", "Metagenerator.Oci", "Metagenerator.Registry", "Metagenerator.Manifest"] },
        // generate: the Model API's request and task status over the Docker Engine API; it reads images as inspect does.
        { "Metagenerator.Docker", "Metagenerator.Docker", ["Metagenerator.Errors", "Metagenerator.Oci", "Metagenerator.Registry", "Metagenerator.Manifest", "Metagenerator.Inspection"] },
        { "Metagenerator.Build", "Metagenerator.Build", ["Metagenerator.Errors", "Metagenerator.HostFiles", "Metagenerator.Oci", "Metagenerator.Registry", "Metagenerator.Manifest", "Metagenerator.Entrypoint"] },
        { "Metagenerator.Cli", "metagenerator", ["Metagenerator.Errors", "Metagenerator.HostFiles", "Metagenerator.Oci", "Metagenerator.Registry", "Metagenerator.Manifest", "Metagenerator.Entrypoint", "Metagenerator.Inspection", "Metagenerator.Build", "Metagenerator.Docker", "System.CommandLine"] },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_project_references_only_what_its_row_allows(string project, string assembly, string[] allowed)
    {
        var references = Assembly.Load(new AssemblyName(assembly)).GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = references.Where(n => !IsBaseClassLibrary(n) && !allowed.Contains(n)).ToList();
        Assert.True(foreign.Count == 0, $"{project} references {string.Join(", ", foreign)}, which its row does not allow");
    }

    [Fact]
    public void Every_src_project_has_a_row()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var projects = Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal).ToList();
        var rows = Projects.Select(row => (string)row[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(projects, rows);
    }

    /// <summary>Packages whose names look like the base class library's; a row must allow them by name.</summary>
    private static readonly string[] PackagesNamedSystem = ["System.CommandLine", "System.IO.Hashing"];

    private static bool IsBaseClassLibrary(string name) =>
        (name.StartsWith("System", StringComparison.Ordinal) && !PackagesNamedSystem.Contains(name))
        || name is "netstandard" or "mscorlib" || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Metagenerator.slnx"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Metagenerator.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
