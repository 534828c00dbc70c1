using Drydock.Oci;

namespace Drydock.Images.Scan;

/// <summary>
/// The bottom layers of an image that came from its base image. A finding whose layer diff_id
/// is one of them belongs to the base; any other finding was added by the image's own build.
/// </summary>
public sealed record BaseImage
{
    /// <summary>The diff_ids of the base's layers, bottom first; null where the image records none.</summary>
    public required IReadOnlyList<Digest?> DiffIds { get; init; }

    /// <summary>The base as <c>org.opencontainers.image.base.name</c> names it, when it does.</summary>
    public string? Name { get; init; }

    /// <summary>The base's manifest digest from <c>org.opencontainers.image.base.digest</c>, when given.</summary>
    public Digest? ManifestDigest { get; init; }

    /// <summary>How the split was found: <c>--base-layers</c> or <c>annotation</c>.</summary>
    public required string Origin { get; init; }

    /// <summary>The number of base layers.</summary>
    public int LayerCount => DiffIds.Count;

    /// <summary>
    /// Whether the finding's layer came from the base: by its diff_id, or by its position when
    /// the image records no diff_id for it.
    /// </summary>
    public bool Contains(ScanFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return finding.LayerDiffId is { } id ? DiffIds.Contains(id) : finding.LayerIndex < LayerCount;
    }
}
