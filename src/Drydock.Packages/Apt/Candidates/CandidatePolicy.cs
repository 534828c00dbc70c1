using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Candidates;

/// <summary>
/// Chooses candidate versions as apt_preferences(5) of apt 2.6 describes. Every version gets
/// a priority from the pins, else 990 for the default release, 1 for NotAutomatic, 100 for
/// NotAutomatic with ButAutomaticUpgrades and 500 otherwise. The installed version gets at
/// least 100. The candidate is the highest-priority version (the highest version among
/// equals), and never one older than the installed version unless its priority is 1000 or more.
/// </summary>
public sealed class CandidatePolicy
{
    private const int InstalledPriority = 100;
    private const int DowngradePriority = 1000;

    private readonly IReadOnlyList<PinRule> _specific;
    private readonly IReadOnlyList<PinRule> _general;

    public CandidatePolicy(IReadOnlyList<PinRule> rules, string? defaultRelease = null)
    {
        _specific = [.. rules.Where(r => !r.IsGeneral)];
        _general = [.. rules.Where(r => r.IsGeneral)];
        DefaultRelease = defaultRelease;
    }

    /// <summary>The APT::Default-Release value (a suite or codename), or null.</summary>
    public string? DefaultRelease { get; }

    /// <summary>The priority of one version as found in one release.</summary>
    public int Priority(string name, DebianVersion version, ReleaseInfo? release)
    {
        foreach (var rule in _specific)
        {
            if (rule.CoversPackage(name) && rule.Matches(version, release))
            {
                return rule.Priority;
            }
        }

        foreach (var rule in _general)
        {
            if (rule.Matches(version, release))
            {
                return rule.Priority;
            }
        }

        return DefaultPriority(release);
    }

    /// <summary>
    /// Picks the candidate among the available versions of one package and architecture
    /// (each record one version in one release), or null when none may be installed.
    /// </summary>
    public CandidateChoice? Choose(IReadOnlyList<PackageRecord> available, DebianVersion? installed, string name)
    {
        var byVersion = new SortedDictionary<DebianVersion, (int Priority, PackageRecord? Record)>(
            Comparer<DebianVersion>.Create((a, b) => b.CompareTo(a)));
        foreach (var record in available)
        {
            var priority = Priority(name, record.Version, record.Release);
            if (!byVersion.TryGetValue(record.Version, out var best) || priority > best.Priority)
            {
                byVersion[record.Version] = (priority, record);
            }
        }

        if (installed is { } current)
        {
            var fromPins = Priority(name, current, null);
            var priority = Math.Max(byVersion.TryGetValue(current, out var seen) ? seen.Priority : int.MinValue,
                fromPins == DefaultPriority(null) ? InstalledPriority : fromPins);
            byVersion[current] = (Math.Max(priority, InstalledPriority), seen.Record);
        }

        CandidateChoice? choice = null;
        foreach (var (version, (priority, record)) in byVersion)
        {
            var isDowngrade = installed is { } inst && version < inst;
            if (priority < 0 || (isDowngrade && priority < DowngradePriority))
            {
                continue;
            }

            if (choice is null || priority > choice.Priority)
            {
                choice = new CandidateChoice(version, priority, record);
            }
        }

        return choice;
    }

    private int DefaultPriority(ReleaseInfo? release)
    {
        if (release is null)
        {
            return 500;
        }

        if (DefaultRelease is not null && (release.Suite == DefaultRelease || release.Codename == DefaultRelease))
        {
            return 990;
        }

        if (release.NotAutomatic)
        {
            return release.ButAutomaticUpgrades ? 100 : 1;
        }

        return 500;
    }
}

/// <summary>
/// The chosen version, its priority and the record to fetch it from (null when the
/// candidate is the installed version and no repository carries it).
/// </summary>
public sealed record CandidateChoice(DebianVersion Version, int Priority, PackageRecord? Record);
