using Drydock.Advisories;
using Drydock.Advisories.Vex;
using Drydock.Oci;
using Drydock.Packages.Distros;

namespace Drydock.Images.Scan;

/// <summary>One finding of a scan with the layer that brought the vulnerable package.</summary>
/// <param name="Finding">The matcher's finding, with the distribution's verdict.</param>
/// <param name="LayerIndex">The position of that layer, 0 for the bottom one.</param>
/// <param name="LayerDiffId">The layer's diff_id, or null when the image does not record it.</param>
public sealed record ScanFinding(Finding Finding, int LayerIndex, Digest? LayerDiffId)
{
    /// <summary>The package's position in the inventory's package list, for reports that list both.</summary>
    public int? PackageIndex { get; init; }
}

/// <summary>A finding that a VEX statement removed from the report.</summary>
/// <param name="Finding">The finding as the matcher made it.</param>
/// <param name="Statement">The <c>not_affected</c> or <c>fixed</c> statement that decided it.</param>
public sealed record SuppressedFinding(ScanFinding Finding, VexStatement Statement);

/// <summary>What a scan found in an image, and why it may be incomplete.</summary>
public sealed class ScanResult
{
    /// <summary>The detected distribution, or null when the image names none.</summary>
    public required Distro? Distro { get; init; }

    /// <summary>The advisory namespace matched against, or null when no distribution was detected.</summary>
    public required AdvisoryNamespace? Namespace { get; init; }

    /// <summary>False when the store has no data for the namespace, so no finding could be made.</summary>
    public required bool HasData { get; init; }

    /// <summary>True when the release's security support has ended.</summary>
    public required bool EndOfLife { get; init; }

    /// <summary>The last day of the release's security support, when known.</summary>
    public DateOnly? SupportEnd { get; init; }

    /// <summary>The number of installed packages that were checked.</summary>
    public required int PackageCount { get; init; }

    /// <summary>The findings left after the filters, sorted by package and vulnerability.</summary>
    public required IReadOnlyList<ScanFinding> Findings { get; init; }

    /// <summary>Findings the filters removed.</summary>
    public required int Filtered { get; init; }

    /// <summary>Findings that VEX statements removed, before the filters ran.</summary>
    public IReadOnlyList<SuppressedFinding> Suppressed { get; init; } = [];

    /// <summary>The layers that came from the base image, when known.</summary>
    public BaseImage? Base { get; init; }

    /// <summary>Sentences about data gaps, end of life and skipped packages.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>Whether the finding came from the base image; null when the base is not known.</summary>
    public bool? FromBase(ScanFinding finding) => Base?.Contains(finding);

    /// <summary>
    /// What the scan means for a gate. Missing data outranks end of life, which outranks
    /// findings: each makes what follows it untrustworthy.
    /// </summary>
    public ScanOutcome Outcome(bool allowEndOfLife) =>
        !HasData ? ScanOutcome.NoData
        : EndOfLife && !allowEndOfLife ? ScanOutcome.EndOfLife
        : Findings.Count > 0 ? ScanOutcome.Findings
        : ScanOutcome.Clean;
}

/// <summary>The result of a scan for a gate, most serious first.</summary>
public enum ScanOutcome
{
    /// <summary>No advisories for the release, or no release detected: the findings mean nothing.</summary>
    NoData,

    /// <summary>The release is out of security support.</summary>
    EndOfLife,

    /// <summary>Findings remain after the filters.</summary>
    Findings,

    /// <summary>Nothing remains after the filters.</summary>
    Clean,
}
