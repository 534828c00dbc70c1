namespace Drydock.Reports.Sbom;

/// <summary>The output formats of an SBOM.</summary>
public enum SbomFormat
{
    /// <summary>Aligned columns for a terminal.</summary>
    Table,

    /// <summary>Drydock's own JSON, documented in docs/sbom.md.</summary>
    Json,

    /// <summary>CycloneDX 1.6 JSON.</summary>
    CycloneDx,

    /// <summary>SPDX 2.3 JSON.</summary>
    Spdx,
}
