using Drydock.Images.Scan;
using Drydock.Oci;

namespace Drydock.Reports.Scan;

public enum ScanFormat
{
    Table,
    Json,
}

/// <summary>A scan result with the image it came from, ready to write.</summary>
public sealed class ScanDocument
{
    /// <summary>The image as the user named it.</summary>
    public required string Image { get; init; }

    public Digest? ManifestDigest { get; init; }

    public required ScanResult Result { get; init; }
}
