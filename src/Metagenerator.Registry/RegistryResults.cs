using Metagenerator.Oci;

namespace Metagenerator.Registry;

/// <summary>What a blob HEAD reported: its size and, if the registry said, its digest.</summary>
public sealed record BlobInfo(long Size, Digest? Digest);

/// <summary>The outcome of a mount request: mounted, or an upload session the registry opened instead.</summary>
public sealed record MountResult(bool Mounted, Uri? UploadSession);

/// <summary>A fetched manifest or index: exact bytes, media type and digest.</summary>
public sealed record ManifestResponse(byte[] Bytes, string MediaType, Digest Digest);
