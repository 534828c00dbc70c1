namespace Drydock.Oci.Layers;

/// <summary>The compression of a layer blob around its tar stream.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>Maps layer media types to compressions and recognises compressed streams.</summary>
public static class LayerCompressions
{
    /// <summary>The bytes needed by <see cref="Detect"/>.</summary>
    public const int MagicLength = 4;

    /// <summary>
    /// Returns the compression a layer media type declares, or null when the media type is not
    /// a layer type Drydock knows (OCI image spec v1.1 layer.md and Docker manifest v2 schema 2).
    /// </summary>
    public static LayerCompression? FromMediaType(string? mediaType) => mediaType switch
    {
        MediaTypes.OciLayer or MediaTypes.DockerLayer => LayerCompression.None,
        MediaTypes.OciLayerGzip or MediaTypes.OciLayerNondistributableGzip
            or MediaTypes.DockerLayerGzip or MediaTypes.DockerForeignLayerGzip => LayerCompression.Gzip,
        MediaTypes.OciLayerZstd or MediaTypes.OciLayerNondistributableZstd => LayerCompression.Zstd,
        _ => null,
    };

    /// <summary>
    /// Recognises gzip (RFC 1952 ID1 ID2 CM=8) and zstd (RFC 8878 frame magic) from the first
    /// bytes of a stream; anything else is taken to be a plain tar stream.
    /// </summary>
    public static LayerCompression Detect(ReadOnlySpan<byte> magic)
    {
        if (magic.Length >= 3 && magic[0] == 0x1f && magic[1] == 0x8b && magic[2] == 0x08)
        {
            return LayerCompression.Gzip;
        }

        if (magic.Length >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
        {
            return LayerCompression.Zstd;
        }

        return LayerCompression.None;
    }

    /// <summary>The OCI layer media type for a compression.</summary>
    public static string OciMediaType(LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => MediaTypes.OciLayerGzip,
        LayerCompression.Zstd => MediaTypes.OciLayerZstd,
        _ => MediaTypes.OciLayer,
    };

    /// <summary>
    /// The Docker schema 2 layer media type for a compression. Docker schema 2 has no zstd
    /// layer type, so zstd is rejected.
    /// </summary>
    public static string DockerMediaType(LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => MediaTypes.DockerLayerGzip,
        LayerCompression.None => MediaTypes.DockerLayer,
        _ => throw new NotSupportedException(
            "Docker image manifest v2 schema 2 has no media type for zstd layers. "
            + "Write the image to an OCI transport, or recompress the layer with gzip."),
    };
}
