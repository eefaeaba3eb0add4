// These tests drive Linux tools (tar, mkfifo, umoci, skopeo, podman) and Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
