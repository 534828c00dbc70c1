namespace Drydock.Packages.Apt;

/// <summary>How strictly repositories are checked, and for which architecture.</summary>
public sealed record AptOptions
{
    /// <summary>The native architecture of the root, as dpkg --print-architecture prints it.</summary>
    public string Architecture { get; init; } = "amd64";

    /// <summary>Accepts a Release past its Valid-Until, for snapshot archives.</summary>
    public bool AllowExpiredRelease { get; init; }

    /// <summary>Accepts repositories with no valid signature. Hash checks still apply.</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>
    /// Honours <c>trusted=yes</c> on the root's own sources. Off by default: an image could
    /// otherwise turn off signature checks for a repository it names itself. Entries given by
    /// the user (<see cref="AptUpdateRequest.ExtraSources"/>) always honour it.
    /// </summary>
    public bool AllowRootTrustedSources { get; init; }

    /// <summary>
    /// How far in the future a Release Date may be; apt 2.6's Acquire::Max-FutureTime
    /// defaults to 10 seconds.
    /// </summary>
    public TimeSpan MaxFutureTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The APT::Default-Release value, whose versions get priority 990.</summary>
    public string? DefaultRelease { get; init; }

    /// <summary>The clock for validity checks; the current time when null.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Parallel .deb downloads.</summary>
    public int MaxParallelDownloads { get; init; } = 4;

    /// <summary>
    /// The largest Packages index accepted after decompression: 512 MiB, about ten times the
    /// 48 MiB of Debian 12's main amd64 index, so a small compressed file that expands without
    /// end is rejected instead of filling memory. Tests set it lower.
    /// </summary>
    internal long MaxIndexSize { get; init; } = 512L << 20;
}
