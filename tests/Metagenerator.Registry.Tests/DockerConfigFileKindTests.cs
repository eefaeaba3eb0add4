using System.Diagnostics;
using Metagenerator.TestSupport;
using Metagenerator.TestSupport.Tiers;

namespace Metagenerator.Registry.Tests;

/// <summary>The Docker config file is read only when it is a regular file, and never beyond its size limit.</summary>
[Tier(Tier.Tools)]
public sealed class DockerConfigFileKindTests : IDisposable
{
    // Guards against the read blocking (a FIFO) or running away (a device); not a speed assertion.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new("mg-cfgkind");

    public void Dispose() => _dir.Dispose();

    private static async Task<CredentialConfigException> RefusedAsync(string path) =>
        await Assert.ThrowsAsync<CredentialConfigException>(() => Task.Run(() => new DockerConfigCredentials(path).Validate()).WaitAsync(HangGuard));

    [NeedsToolsFact("mkfifo")]
    public async Task A_character_device_is_refused_naming_it()
    {
        var e = await RefusedAsync("/dev/zero");
        Assert.Contains("/dev/zero", e.Message);
        Assert.Contains("character device", e.Message);
        Assert.Equal(ErrorCategory.InvalidInput, e.Category);
    }

    [NeedsToolsFact("mkfifo")]
    public async Task A_symlink_to_a_device_is_refused()
    {
        var link = _dir.Combine("config.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        var e = await RefusedAsync(link);
        Assert.Contains(link, e.Message);
        Assert.Contains("character device", e.Message);
    }

    [NeedsToolsFact("mkfifo")]
    public async Task A_fifo_is_refused_instead_of_blocking()
    {
        var fifo = _dir.Combine("fifo.json");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();
        var e = await RefusedAsync(fifo);
        Assert.Contains(fifo, e.Message);
        Assert.Contains("FIFO", e.Message);
    }

    [NeedsToolsFact("mkfifo")]
    public async Task A_file_larger_than_the_limit_is_refused()
    {
        var big = _dir.WriteFile("big.json", "{\"auths\":{}, \"padding\":\"" + new string('a', 2 * 1024 * 1024) + "\"}");
        var e = await RefusedAsync(big);
        Assert.Contains(big, e.Message);
        Assert.Contains("larger than", e.Message);
    }
}
