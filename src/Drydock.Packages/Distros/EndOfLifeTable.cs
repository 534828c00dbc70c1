namespace Drydock.Packages.Distros;

/// <summary>
/// The last day of public security support for each release, embedded so that detection works
/// offline. "Support" means updates from the distribution's public archive without a
/// subscription. For Debian that includes LTS, served from the same security archive. For
/// Ubuntu it is standard support, because ESM needs Ubuntu Pro. For Alpine it is the main
/// repository, and for RHEL and its rebuilds the vendors' maintenance phases.
/// </summary>
/// <remarks>
/// Debian and Ubuntu dates are copied from Debian's distro-info-data 0.58+deb12u7
/// (/usr/share/distro-info/debian.csv, column eol-lts; ubuntu.csv, column eol). Alpine 3.20 to
/// 3.23 come from the main-repository end dates listed at wiki.linux-server-admin.com (Alpine
/// history page), recorded on 2026-12-04.
/// NOTE: older Alpine branches and the RPM-family, Amazon and SUSE dates were written from the
/// vendors' published lifecycles without a pinned copy, so check them before relying on them.
/// </remarks>
internal static class EndOfLifeTable
{
    private static readonly Dictionary<string, (string Release, DateOnly End)[]> _table = new(StringComparer.Ordinal)
    {
        ["debian"] =
        [
            ("7", new(2018, 5, 31)), ("8", new(2020, 6, 30)), ("9", new(2022, 6, 30)),
            ("10", new(2024, 6, 30)), ("11", new(2026, 8, 31)), ("12", new(2028, 6, 30)),
            ("13", new(2030, 6, 30)),
        ],
        ["ubuntu"] =
        [
            ("12.04", new(2017, 4, 28)), ("14.04", new(2019, 4, 25)), ("16.04", new(2021, 4, 30)),
            ("18.04", new(2023, 5, 31)), ("18.10", new(2019, 7, 18)), ("19.04", new(2020, 1, 23)),
            ("19.10", new(2020, 7, 17)), ("20.04", new(2025, 5, 29)), ("20.10", new(2021, 7, 22)),
            ("21.04", new(2022, 1, 20)), ("21.10", new(2022, 7, 14)), ("22.04", new(2027, 6, 1)),
            ("22.10", new(2023, 7, 20)), ("23.04", new(2024, 1, 25)), ("23.10", new(2024, 7, 11)),
            ("24.04", new(2029, 5, 31)), ("24.10", new(2025, 7, 10)), ("25.04", new(2026, 1, 15)),
            ("25.10", new(2026, 7, 9)), ("26.04", new(2031, 5, 29)), ("26.10", new(2027, 7, 15)),
        ],
        ["alpine"] =
        [
            ("3.10", new(2021, 5, 1)), ("3.11", new(2021, 11, 1)), ("3.12", new(2022, 5, 1)),
            ("3.13", new(2022, 11, 1)), ("3.14", new(2023, 5, 1)), ("3.15", new(2023, 11, 1)),
            ("3.16", new(2024, 5, 23)), ("3.17", new(2024, 11, 22)), ("3.18", new(2025, 5, 9)),
            ("3.19", new(2025, 11, 1)), ("3.20", new(2026, 4, 1)), ("3.21", new(2026, 11, 1)),
            ("3.22", new(2027, 5, 1)), ("3.23", new(2027, 11, 1)),
        ],
        ["rhel"] =
        [
            ("5", new(2017, 3, 31)), ("6", new(2020, 11, 30)), ("7", new(2024, 6, 30)),
            ("8", new(2029, 5, 31)), ("9", new(2032, 5, 31)), ("10", new(2035, 5, 31)),
        ],
        ["centos"] = [("6", new(2020, 11, 30)), ("7", new(2024, 6, 30)), ("8", new(2021, 12, 31))],
        ["centos-stream"] = [("8", new(2024, 5, 31)), ("9", new(2027, 5, 31))],
        ["rocky"] = [("8", new(2029, 5, 31)), ("9", new(2032, 5, 31))],
        ["almalinux"] = [("8", new(2029, 3, 1)), ("9", new(2032, 5, 31))],
        ["ol"] = [("6", new(2021, 3, 1)), ("7", new(2024, 12, 31)), ("8", new(2029, 7, 31)), ("9", new(2032, 6, 30))],
        ["fedora"] =
        [
            ("36", new(2023, 5, 16)), ("37", new(2023, 12, 5)), ("38", new(2024, 5, 21)), ("39", new(2024, 11, 26)),
            ("40", new(2025, 5, 13)), ("41", new(2025, 12, 15)),
        ],
        ["amzn"] = [("1", new(2023, 12, 31)), ("2", new(2026, 6, 30)), ("2023", new(2029, 6, 30))],
        ["sles"] =
        [
            ("12.5", new(2024, 10, 31)), ("15.2", new(2021, 12, 31)), ("15.3", new(2022, 12, 31)),
            ("15.4", new(2023, 12, 31)), ("15.5", new(2024, 12, 31)), ("15.6", new(2025, 12, 31)),
        ],
        ["opensuse-leap"] =
        [
            ("15.2", new(2022, 1, 4)), ("15.3", new(2022, 12, 31)), ("15.4", new(2023, 12, 7)),
            ("15.5", new(2024, 12, 31)), ("15.6", new(2026, 4, 30)),
        ],
        ["mariner"] = [("1.0", new(2023, 7, 31)), ("2.0", new(2025, 7, 31))],
    };

    /// <summary>
    /// Looks up a release. Returns its date, or null with <paramref name="olderThanKnown"/> set
    /// when a numbered release precedes every listed one (such as Debian 7 or Alpine 3.5).
    /// </summary>
    public static DateOnly? Find(string table, string release, out bool olderThanKnown)
    {
        olderThanKnown = false;
        if (!_table.TryGetValue(table, out var releases))
        {
            return null;
        }

        foreach (var (listed, end) in releases)
        {
            if (listed == release)
            {
                return end;
            }
        }

        olderThanKnown = System.Version.TryParse(Pad(release), out var version)
            && releases.All(r => System.Version.TryParse(Pad(r.Release), out var known) && version < known);
        return null;
    }

    /// <summary>The earliest end date listed for a table, or null for an unknown table.</summary>
    public static DateOnly? Earliest(string table) =>
        _table.TryGetValue(table, out var releases) ? releases.Min(r => r.End) : null;

    private static string Pad(string release) => release.Contains('.', StringComparison.Ordinal) ? release : release + ".0";
}
