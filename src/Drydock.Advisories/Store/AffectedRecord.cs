namespace Drydock.Advisories.Store;

/// <summary>
/// One statement of a feed: in release <see cref="Namespace"/>, package <see cref="Package"/>
/// (a source package for Debian and Ubuntu, an origin for Alpine, a binary RPM for Red Hat)
/// has <see cref="Status"/> for <see cref="Vulnerability"/>.
/// </summary>
internal sealed record AffectedRecord
{
    public required AdvisoryNamespace Namespace { get; init; }

    public required string Package { get; init; }

    /// <summary>Product and module stream; empty for a release's main stream.</summary>
    public string Stream { get; init; } = "";

    public required string Vulnerability { get; init; }

    /// <summary>The advisory (DSA, DLA, RHSA) that states it; empty in a vulnerability's own record.</summary>
    public string Advisory { get; init; } = "";

    /// <summary>Other ids of the same vulnerability (XSA, GHSA), separated by spaces.</summary>
    public string? Aliases { get; init; }

    public required AffectedStatus Status { get; init; }

    /// <summary>The first affected version when the feed names one other than "0".</summary>
    public string? Introduced { get; init; }

    public string? FixedVersion { get; init; }

    /// <summary>The distribution's own severity label (urgency, priority, impact).</summary>
    public string? Severity { get; init; }

    /// <summary>Why a fix is not planned, or a note that qualifies the status.</summary>
    public string? Reason { get; init; }

    public string? Published { get; init; }

    /// <summary>A CVSS vector or score, kept as extra detail only.</summary>
    public string? Cvss { get; init; }
}

/// <summary>A feed's status of a package in a release, as stored.</summary>
internal enum AffectedStatus
{
    Fixed,
    Open,
    WillNotFix,
    Unimportant,
    NotAffected,
}

internal static class AffectedStatusText
{
    public static string ToText(this AffectedStatus status) => status switch
    {
        AffectedStatus.Fixed => "fixed",
        AffectedStatus.Open => "open",
        AffectedStatus.WillNotFix => "will-not-fix",
        AffectedStatus.Unimportant => "unimportant",
        AffectedStatus.NotAffected => "not-affected",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static AffectedStatus Parse(string text) => text switch
    {
        "fixed" => AffectedStatus.Fixed,
        "open" => AffectedStatus.Open,
        "will-not-fix" => AffectedStatus.WillNotFix,
        "unimportant" => AffectedStatus.Unimportant,
        "not-affected" => AffectedStatus.NotAffected,
        _ => throw new InvalidDataException($"The stored status '{text}' is unknown. Re-import the feeds."),
    };
}
