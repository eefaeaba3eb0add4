using System.Text;
using Metagenerator.Oci;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Oci.Tests;

/// <summary>
/// What a model source on the host may hold that must not reach the image as it is (the credentials file in use),
/// must not hang the build (a .dockerignore that is a device or a FIFO), or cannot be packed faithfully (names that
/// are not UTF-8, paths deeper than PATH_MAX). Real files, made with the shell where .NET cannot make them.
/// </summary>
[Tier(Tier.Tools)]
public class HostSourceSafetyTests
{
    private static Task<FileLayer> BuildAsync(TempDirectory dir, DirectorySource source) =>
        LayerBuilder.BuildAsync(new LayerSpec { Sources = [source] }, dir.Combine("out"));

    private static Task Shell(string script, string workingDirectory) =>
        ExternalTool.RunAsync("sh", ["-c", script], workingDirectory).ContinueWith(t => t.Result.EnsureSuccess());

    [NeedsToolsFact("buildah", "mkfifo")]
    public async Task An_excluded_host_file_is_left_out_under_its_name_and_under_a_hard_link()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/Dockerfile", "FROM scratch\n");
        var config = dir.WriteFile("src/config.json", "{\"auths\":{}}");
        Directory.CreateDirectory(dir.Combine("src", "sub"));
        (await ExternalTool.RunAsync("ln", [config, dir.Combine("src", "sub", "copy.json")])).EnsureSuccess();
        dir.WriteFile("src/other.json", "{\"auths\":{}}"); // same content, another file: kept

        var layer = await BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true) { ExcludedHostPaths = [config] });

        var names = LayerReading.ReadEntries(layer).Select(e => e.Name).ToList();
        Assert.Contains("ctx/Dockerfile", names);
        Assert.Contains("ctx/other.json", names);
        Assert.DoesNotContain("ctx/config.json", names);
        Assert.DoesNotContain("ctx/sub/copy.json", names);
    }

    [NeedsToolsTheory("buildah", "mkfifo")]
    [InlineData("/dev/zero", "character device")]
    [InlineData("fifo", "named pipe")]
    public async Task A_dockerignore_that_is_not_a_regular_file_is_refused_without_reading_it(string target, string kind)
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/Dockerfile", "FROM scratch\n");
        if (target == "fifo") (await ExternalTool.RunAsync("mkfifo", [dir.Combine("src", ".dockerignore")])).EnsureSuccess();
        else File.CreateSymbolicLink(dir.Combine("src", ".dockerignore"), target);

        // Before the fix /dev/zero was read until memory ran out and the FIFO blocked forever: bound the wait so a regression fails.
        var build = BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true));
        Assert.Same(build, await Task.WhenAny(build, Task.Delay(TimeSpan.FromMinutes(2))));
        var error = await Assert.ThrowsAsync<LayerBuildException>(() => build);
        Assert.Equal(dir.Combine("src", ".dockerignore"), error.Path);
        Assert.Contains(kind, error.Message);
        Assert.Equal(ErrorCategory.InvalidInput, error.Category);
    }

    [NeedsToolsFact("buildah", "mkfifo")]
    public async Task A_dockerignore_larger_than_the_cap_is_refused()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/.dockerignore", new string('x', DockerIgnore.MaxFileBytes) + "\n*.log\n");
        var error = await Assert.ThrowsAsync<LayerBuildException>(() => BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true)));
        Assert.Equal(dir.Combine("src", ".dockerignore"), error.Path);
        Assert.Contains("larger than", error.Message);
    }

    [NeedsToolsFact("buildah", "mkfifo")]
    public async Task A_file_named_with_a_backslash_is_kept_by_a_pattern_naming_its_prefix_as_buildah_keeps_it()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/.dockerignore", "sub\n");
        dir.WriteFile("src/Dockerfile", "FROM scratch\nCOPY . /ctx/\n");
        dir.WriteFile("src/sub\\zz.txt", "kept");
        dir.WriteFile("src/sub/gone.txt", "dropped");
        var layer = await BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true));
        var ours = LayerReading.ReadEntries(layer).Where(e => e.Type != System.Formats.Tar.TarEntryType.Directory).Select(e => e.Name["ctx/".Length..]).Order(StringComparer.Ordinal).ToList();

        // buildah applies the same .dockerignore to the same context; its COPY . is the judge.
        string[] storage = ["--storage-driver", "vfs", "--root", dir.Combine("buildah-root"), "--runroot", dir.Combine("buildah-run")];
        (await ExternalTool.RunAsync("buildah", [.. storage, "bud", "--quiet", "--output", $"type=local,dest={dir.Combine("buildah-out")}", dir.Combine("src")])).EnsureSuccess();
        var buildahs = Directory.GetFiles(dir.Combine("buildah-out", "ctx"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir.Combine("buildah-out", "ctx"), f)).Order(StringComparer.Ordinal).ToList();

        Assert.Contains("sub\\zz.txt", ours);
        Assert.DoesNotContain("sub/gone.txt", ours);
        Assert.Equal(buildahs, ours);
    }

    [NeedsToolsFact("buildah", "mkfifo")]
    public async Task A_file_name_that_is_not_utf8_is_refused_naming_it_as_gnu_tar_lists_it()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/Dockerfile", "FROM scratch\n");
        await Shell("touch \"$(printf 'caf\\351.txt')\"", dir.Combine("src"));
        var gnuTarName = (await ExternalTool.RunAsync("sh", ["-c", "tar -cf - caf*.txt | tar -tf -"], dir.Combine("src"))).EnsureSuccess().StdOut.Trim();
        Assert.Equal("caf\\351.txt", gnuTarName);

        var error = await Assert.ThrowsAsync<LayerBuildException>(() => BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true)));
        Assert.Contains(gnuTarName, error.Message);
        Assert.Contains("not valid UTF-8", error.Message);
        Assert.DoesNotContain("\uFFFD", error.Message);

        // Listed in .dockerignore, it is simply left out.
        dir.WriteFile("src/.dockerignore", "caf*.txt\n");
        var layer = await BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true));
        Assert.DoesNotContain(LayerReading.ReadEntries(layer), e => e.Name.StartsWith("ctx/caf", StringComparison.Ordinal));
    }

    [NeedsToolsFact("buildah", "mkfifo")]
    public async Task A_symlink_target_that_is_not_utf8_is_refused_not_rewritten()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/Dockerfile", "FROM scratch\n");
        await Shell("ln -s \"$(printf 'x\\377y')\" link", dir.Combine("src"));
        var gnuTarListing = (await ExternalTool.RunAsync("sh", ["-c", "tar -cf - link | tar -tvf -"], dir.Combine("src"))).EnsureSuccess().StdOut;
        Assert.Contains("link -> x\\377y", gnuTarListing);

        var error = await Assert.ThrowsAsync<LayerBuildException>(() => BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true)));
        Assert.Contains("x\\377y", error.Message);
        Assert.Equal(dir.Combine("src", "link"), error.Path);
    }

    [NeedsToolsFact("buildah", "mkfifo")]
    public async Task A_path_deeper_than_path_max_fails_naming_the_file()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("src/Dockerfile", "FROM scratch\n");
        var segment = new string('d', 200);
        // 25 levels of 200 bytes: about 5000 bytes, beyond PATH_MAX; the shell gets there with relative cd.
        await Shell($"for i in $(seq 25); do mkdir {segment} && cd {segment}; done; echo deep > file.txt", dir.Combine("src"));
        try
        {
            var error = await Assert.ThrowsAsync<LayerBuildException>(() => BuildAsync(dir, new DirectorySource(dir.Combine("src"), "ctx", UseDockerignore: true)));
            Assert.Contains("PATH_MAX", error.Message);
            Assert.Contains(segment, error.Message);
            Assert.Equal(ErrorCategory.InvalidInput, error.Category);
        }
        finally
        {
            // Directory.Delete cannot reach that deep; GNU rm can.
            await ExternalTool.RunAsync("rm", ["-rf", dir.Combine("src")]);
        }
    }
}
