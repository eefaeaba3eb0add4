using System.Text;
using Metagenerator.TestSupport;

namespace Metagenerator.Registry.Tests;

/// <summary>Writes Docker config files for tests.</summary>
internal static class TestConfig
{
    public static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    /// <summary>A config.json with one <c>auth</c> entry for <paramref name="host"/>.</summary>
    public static string WriteAuth(TempDirectory dir, string host, string user, string password) =>
        dir.WriteFile("docker/config.json", "{\"auths\":{\"" + host + "\":{\"auth\":\"" + B64(user + ":" + password) + "\"}}}");

    /// <summary>A config.json with arbitrary JSON.</summary>
    public static string Write(TempDirectory dir, string json) => dir.WriteFile("docker/config.json", json);

    public static DockerConfigCredentials Provider(string configPath) => new(configPath);

    /// <summary>Every message of an exception and its inner exceptions, to grep for secrets.</summary>
    public static string AllMessages(Exception e)
    {
        var sb = new StringBuilder();
        for (Exception? x = e; x is not null; x = x.InnerException) sb.AppendLine(x.ToString());
        return sb.ToString();
    }
}
