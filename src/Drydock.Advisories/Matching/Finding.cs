namespace Drydock.Advisories;

/// <summary>
/// One vulnerability of one installed package, with the distribution's verdict. A
/// vulnerability fixed by several advisories (a CVE and the DSA and DLA that fix it) is one
/// finding that lists every advisory.
/// </summary>
public sealed record Finding
{
    /// <summary>The vulnerability id, normally a CVE id; a tracker's TEMP- id when it has no CVE.</summary>
    public required string Vulnerability { get; init; }

    /// <summary>Advisories that fix or state it: DSA, DLA, DTSA, RHSA ids.</summary>
    public required IReadOnlyList<string> Advisories { get; init; }

    /// <summary>Other ids of the same vulnerability (GHSA, XSA).</summary>
    public required IReadOnlyList<string> Aliases { get; init; }

    public required PackageQuery Package { get; init; }

    /// <summary>The name the advisory names: a source package, an origin, or the binary RPM.</summary>
    public required string MatchedName { get; init; }

    /// <summary>The version compared with the advisory: the source version for Debian and Ubuntu.</summary>
    public required string MatchedVersion { get; init; }

    public required Verdict Verdict { get; init; }

    /// <summary>The version that fixes it in this release, for <see cref="Verdict.Fixable"/>.</summary>
    public string? FixedVersion { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>The distribution's own label: Debian urgency, Ubuntu priority, Red Hat impact.</summary>
    public string? DistributionSeverity { get; init; }

    /// <summary>Why a fix is not planned or is out of reach (no-DSA reason, Ubuntu Pro only).</summary>
    public string? Reason { get; init; }

    /// <summary>A CVSS vector or score from the feed, as extra detail only.</summary>
    public string? Cvss { get; init; }

    /// <summary>The store source whose statement gave the verdict.</summary>
    public required string Source { get; init; }
}

/// <summary>The outcome of matching one image's packages against one namespace.</summary>
public sealed record MatchResult
{
    public required AdvisoryNamespace Namespace { get; init; }

    /// <summary>
    /// Whether any source has data for the namespace. When false the result holds no findings
    /// because nothing could be checked, not because nothing is vulnerable.
    /// </summary>
    public required bool HasData { get; init; }

    /// <summary>When the release's security support ended or ends; null when unknown.</summary>
    public DateOnly? SupportEnd { get; init; }

    /// <summary>Whether the release is past its security support end.</summary>
    public required bool EndOfLife { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>Problems that left packages unchecked, such as an invalid installed version.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}
