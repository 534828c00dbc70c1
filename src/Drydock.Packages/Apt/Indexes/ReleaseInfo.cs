namespace Drydock.Packages.Apt.Indexes;

/// <summary>
/// The identity of the release an index came from, as apt_preferences(5) matches it:
/// Origin (o), Label (l), Suite (a), Codename (n), Version (v) and component (c), plus the
/// archive host for <c>Pin: origin</c>.
/// </summary>
public sealed record ReleaseInfo
{
    public string? Origin { get; init; }

    public string? Label { get; init; }

    public string? Suite { get; init; }

    public string? Codename { get; init; }

    public string? Version { get; init; }

    public string? Component { get; init; }

    /// <summary>The host name of the archive URI (empty for file: URIs).</summary>
    public string Site { get; init; } = "";

    /// <summary>NotAutomatic: yes, which gives the release priority 1 unless pinned.</summary>
    public bool NotAutomatic { get; init; }

    /// <summary>ButAutomaticUpgrades: yes beside NotAutomatic, which gives priority 100.</summary>
    public bool ButAutomaticUpgrades { get; init; }

    /// <summary>The archive root that Filename paths of this release are relative to.</summary>
    public Uri? ArchiveRoot { get; init; }

    /// <summary>The suite name as written in the source entry, shown in update lists.</summary>
    public string SourceSuite { get; init; } = "";
}
