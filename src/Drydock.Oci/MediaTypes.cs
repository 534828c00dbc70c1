namespace Drydock.Oci;

/// <summary>
/// Media types of the OCI image spec v1.1 and of Docker's image manifest v2 schema 2.
/// </summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string OciLayerNondistributableGzip =
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public const string OciLayerNondistributableZstd =
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// <summary>Returns whether the media type names a single-image manifest.</summary>
    public static bool IsManifest(string? mediaType) =>
        mediaType is OciManifest or DockerManifest;

    /// <summary>Returns whether the media type names an index or a Docker manifest list.</summary>
    public static bool IsIndex(string? mediaType) =>
        mediaType is OciIndex or DockerManifestList;

    /// <summary>Returns whether the media type names a Docker schema 2 type.</summary>
    public static bool IsDocker(string? mediaType) =>
        mediaType is not null && mediaType.StartsWith("application/vnd.docker.", StringComparison.Ordinal);
}
