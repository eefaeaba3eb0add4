// The suite drives Linux tools (docker-registry, skopeo, umoci, shell-script credential helpers).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
