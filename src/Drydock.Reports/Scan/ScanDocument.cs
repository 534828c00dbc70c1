using Drydock.Images.Scan;
using Drydock.Oci;
using Drydock.Reports.Sbom;

namespace Drydock.Reports.Scan;

/// <summary>The output formats of a scan.</summary>
public enum ScanFormat
{
    /// <summary>One block per package for a terminal.</summary>
    Table,

    /// <summary>Drydock's own JSON, documented in docs/scan-json.md.</summary>
    Json,

    /// <summary>SARIF 2.1.0, for code-scanning dashboards.</summary>
    Sarif,

    /// <summary>A CycloneDX 1.6 SBOM with a vulnerabilities array.</summary>
    CycloneDx,
}

/// <summary>A scan result with the image it came from, ready to write.</summary>
public sealed class ScanDocument
{
    /// <summary>The image as the user named it.</summary>
    public required string Image { get; init; }

    public Digest? ManifestDigest { get; init; }

    public required ScanResult Result { get; init; }

    /// <summary>The image's SBOM, which the CycloneDX format lists as components; required for it.</summary>
    public SbomDocument? Sbom { get; init; }

    /// <summary>The version of Drydock that made the scan.</summary>
    public string ToolVersion { get; init; } = "0.0.0";
}
