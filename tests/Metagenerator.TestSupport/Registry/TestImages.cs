namespace Metagenerator.TestSupport.Registry;

/// <summary>
/// A tiny linux/amd64 base image (static busybox) made without our own code (umoci), kept as an OCI layout for the
/// whole test run, and pushed into registries with skopeo.
/// </summary>
public static class TestImages
{
    private static readonly Lazy<Task<string>> BaseLayout = new(CreateBaseLayoutAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The tag of the base image inside <see cref="BaseLayoutAsync"/>.</summary>
    public const string BaseTag = "base";

    /// <summary>The OCI layout directory holding the base image (created once per process).</summary>
    public static Task<string> BaseLayoutAsync() => BaseLayout.Value;

    private static async Task<string> CreateBaseLayoutAsync()
    {
        var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("busybox is not installed; .ci/run installs busybox-static");
        var root = Directory.CreateTempSubdirectory("mg-base-image-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(root, true); } catch (Exception) { } };
        var layout = Path.Combine(root, "layout");
        var image = $"{layout}:{BaseTag}";
        (await ExternalTool.RunAsync("umoci", ["init", "--layout", layout])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["new", "--image", image])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["insert", "--image", image, busybox, "/bin/busybox"])).EnsureSuccess();
        (await ExternalTool.RunAsync("umoci", ["config", "--image", image, "--config.entrypoint", "/bin/busybox",
            "--config.cmd", "sh", "--config.env", "PATH=/bin", "--os", "linux", "--architecture", "amd64"])).EnsureSuccess();
        return layout;
    }

    /// <summary>
    /// Copies the base image to <c>HOST/REPOSITORY:TAG</c> with skopeo and returns that reference;
    /// <c>format</c> <c>v2s2</c> converts it to Docker schema 2 (null keeps OCI).
    /// </summary>
    public static async Task<string> PushBaseAsync(string host, string repository = "base", string tag = "1", SkopeoAuth? auth = null, string? format = null)
    {
        var layout = await BaseLayoutAsync();
        var destination = $"{host}/{repository}:{tag}";
        var args = new List<string> { "copy", "--quiet" };
        if (format is not null) args.Add($"--format={format}");
        args.AddRange((auth ?? SkopeoAuth.None).DestinationArgs());
        args.Add($"oci:{layout}:{BaseTag}");
        args.Add($"docker://{destination}");
        (await ExternalTool.RunAsync("skopeo", args)).EnsureSuccess();
        return destination;
    }

    /// <summary><c>skopeo inspect</c> of a reference: exit code 0 and the JSON, or non-zero and the error.</summary>
    public static Task<ToolResult> InspectAsync(string reference, SkopeoAuth? auth = null, bool raw = false)
    {
        var args = new List<string> { "inspect" };
        if (raw) args.Add("--raw");
        args.AddRange((auth ?? SkopeoAuth.None).SourceArgs());
        args.Add($"docker://{reference}");
        return ExternalTool.RunAsync("skopeo", args);
    }
}

/// <summary>How skopeo talks to a test registry: TLS (with a cert dir, or unverified) and credentials.</summary>
public sealed record SkopeoAuth(string? CertDirectory = null, string? Username = null, string? Password = null)
{
    /// <summary>Plain HTTP / unverified TLS, no credentials.</summary>
    public static SkopeoAuth None { get; } = new();

    /// <summary>The destination options of <c>skopeo copy</c>.</summary>
    internal IEnumerable<string> DestinationArgs()
    {
        if (CertDirectory is not null) yield return $"--dest-cert-dir={CertDirectory}";
        else yield return "--dest-tls-verify=false";
        if (Username is not null) yield return $"--dest-creds={Username}:{Password}";
        else yield return "--dest-no-creds";
    }

    /// <summary>The source options of <c>skopeo copy</c>.</summary>
    internal IEnumerable<string> CopySourceArgs()
    {
        if (CertDirectory is not null) yield return $"--src-cert-dir={CertDirectory}";
        else yield return "--src-tls-verify=false";
        if (Username is not null) yield return $"--src-creds={Username}:{Password}";
        else yield return "--src-no-creds";
    }

    /// <summary>The options of <c>skopeo inspect</c>.</summary>
    internal IEnumerable<string> SourceArgs()
    {
        if (CertDirectory is not null) yield return $"--cert-dir={CertDirectory}";
        else yield return "--tls-verify=false";
        if (Username is not null) yield return $"--creds={Username}:{Password}";
        else yield return "--no-creds";
    }
}
