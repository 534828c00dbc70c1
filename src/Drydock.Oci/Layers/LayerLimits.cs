namespace Drydock.Oci.Layers;

/// <summary>
/// Caps applied while a layer is read, so that a hostile layer cannot exhaust memory or disk.
/// </summary>
public sealed record LayerLimits
{
    /// <summary>The limits used when the caller gives none.</summary>
    public static LayerLimits Default { get; } = new();

    /// <summary>
    /// Uncompressed bytes one layer may expand to (default 64 GiB, above the largest
    /// machine-learning base-image layers seen in public registries).
    /// </summary>
    public long MaxUncompressedSize { get; init; } = 64L * 1024 * 1024 * 1024;

    /// <summary>
    /// Uncompressed bytes per compressed byte a layer may reach (default 250). Real layers
    /// compress 2 to 10 times; gzip tops out near 1032 and zstd far higher on zeros.
    /// </summary>
    public double MaxCompressionRatio { get; init; } = 250;

    /// <summary>
    /// Uncompressed bytes read before <see cref="MaxCompressionRatio"/> applies (default
    /// 128 MiB), so that small layers full of empty files are not mistaken for bombs.
    /// </summary>
    public long RatioGracePeriod { get; init; } = 128L * 1024 * 1024;

    /// <summary>
    /// Bytes a pax extended header or GNU long name or link may occupy (default 1 MiB). The
    /// names and attributes they carry are a few kilobytes in practice.
    /// </summary>
    public int MaxHeaderSize { get; init; } = 1024 * 1024;

    /// <summary>Bytes an entry name or link target may have (Linux PATH_MAX, 4096).</summary>
    public int MaxPathLength { get; init; } = 4096;
}
