namespace Drydock.Advisories;

/// <summary>
/// Release names and support end dates for the distributions whose feeds are imported. The
/// end date is when the release stops receiving security updates from the distribution's
/// free channels: Debian LTS for Debian, standard support for Ubuntu (Ubuntu Pro's ESM is
/// not free), Alpine's published support end for main, and the end of maintenance support
/// for Red Hat Enterprise Linux.
/// </summary>
internal static class DistributionReleases
{
    // Sources: https://wiki.debian.org/LTS (2025-01), https://ubuntu.com/about/release-cycle
    // (2025-01), https://alpinelinux.org/releases/ (2025-01),
    // https://access.redhat.com/support/policy/updates/errata (2025-01).
    private static readonly (string Codename, string Version, DateOnly End)[] s_debian =
    [
        ("wheezy", "7", new(2018, 5, 31)),
        ("jessie", "8", new(2020, 6, 30)),
        ("stretch", "9", new(2022, 6, 30)),
        ("buster", "10", new(2024, 6, 30)),
        ("bullseye", "11", new(2026, 8, 31)),
        ("bookworm", "12", new(2028, 6, 30)),
        ("trixie", "13", new(2030, 6, 30)),
        ("forky", "14", DateOnly.MaxValue),
        ("sid", "unstable", DateOnly.MaxValue),
    ];

    private static readonly (string Codename, string Version, DateOnly End)[] s_ubuntu =
    [
        ("precise", "12.04", new(2017, 4, 28)),
        ("trusty", "14.04", new(2019, 4, 30)),
        ("xenial", "16.04", new(2021, 4, 30)),
        ("bionic", "18.04", new(2023, 5, 31)),
        ("cosmic", "18.10", new(2019, 7, 18)),
        ("disco", "19.04", new(2020, 1, 23)),
        ("eoan", "19.10", new(2020, 7, 17)),
        ("focal", "20.04", new(2025, 5, 31)),
        ("groovy", "20.10", new(2021, 7, 22)),
        ("hirsute", "21.04", new(2022, 1, 20)),
        ("impish", "21.10", new(2022, 7, 14)),
        ("jammy", "22.04", new(2027, 6, 1)),
        ("kinetic", "22.10", new(2023, 7, 20)),
        ("lunar", "23.04", new(2024, 1, 25)),
        ("mantic", "23.10", new(2024, 7, 11)),
        ("noble", "24.04", new(2029, 5, 31)),
        ("oracular", "24.10", new(2025, 7, 10)),
        ("plucky", "25.04", new(2026, 1, 15)),
    ];

    private static readonly Dictionary<string, DateOnly> s_alpine = new()
    {
        ["3.12"] = new(2022, 5, 1),
        ["3.13"] = new(2022, 11, 1),
        ["3.14"] = new(2023, 5, 1),
        ["3.15"] = new(2023, 11, 1),
        ["3.16"] = new(2024, 5, 23),
        ["3.17"] = new(2024, 11, 22),
        ["3.18"] = new(2025, 5, 9),
        ["3.19"] = new(2025, 11, 1),
        ["3.20"] = new(2026, 4, 1),
        ["3.21"] = new(2026, 11, 1),
        ["3.22"] = new(2027, 5, 1),
    };

    private static readonly Dictionary<string, DateOnly> s_redHat = new()
    {
        ["5"] = new(2017, 3, 31),
        ["6"] = new(2020, 11, 30),
        ["7"] = new(2024, 6, 30),
        ["8"] = new(2029, 5, 31),
        ["9"] = new(2032, 5, 31),
        ["10"] = new(2035, 5, 31),
    };

    /// <summary>Maps a Debian codename as the security tracker writes it to its namespace.</summary>
    public static AdvisoryNamespace? DebianNamespace(string codename) =>
        FindVersion(s_debian, codename) is { } version
            ? AdvisoryNamespace.Create("debian", version)
            : null;

    /// <summary>Maps an Ubuntu codename (<c>bionic</c>) to its namespace (<c>ubuntu:18.04</c>).</summary>
    public static AdvisoryNamespace? UbuntuNamespace(string codename) =>
        FindVersion(s_ubuntu, codename) is { } version
            ? AdvisoryNamespace.Create("ubuntu", version)
            : null;

    /// <summary>
    /// Returns the date security support ended or ends, or null when the release is unknown
    /// or rolling (Debian unstable, Alpine edge).
    /// </summary>
    public static DateOnly? SupportEnd(AdvisoryNamespace ns)
    {
        var end = DateOnly.MaxValue;
        var found = ns.Family switch
        {
            DistributionFamily.Debian => TryFindEnd(s_debian, ns.Release, out end),
            DistributionFamily.Ubuntu => TryFindEnd(s_ubuntu, ns.Release, out end),
            DistributionFamily.Alpine => TryFindAlpineEnd(ns.Release, out end),
            DistributionFamily.RedHat => s_redHat.TryGetValue(ns.Release, out end),
            _ => false,
        };
        return found && end != DateOnly.MaxValue ? end : null;
    }

    private static string? FindVersion(
        (string Codename, string Version, DateOnly End)[] table, string codename)
    {
        foreach (var row in table)
        {
            if (row.Codename == codename)
            {
                return row.Version;
            }
        }

        return null;
    }

    private static bool TryFindEnd(
        (string Codename, string Version, DateOnly End)[] table, string version, out DateOnly end)
    {
        foreach (var row in table)
        {
            if (row.Version == version)
            {
                end = row.End;
                return true;
            }
        }

        end = default;
        return false;
    }

    private static bool TryFindAlpineEnd(string release, out DateOnly end)
    {
        if (s_alpine.TryGetValue(release, out end))
        {
            return true;
        }

        // Releases before 3.12 all left support before this table's first row.
        var parts = release.Split('.');
        if (parts.Length == 2 && parts[0] == "3" && int.TryParse(parts[1], out var minor) && minor < 12)
        {
            end = new DateOnly(2022, 5, 1);
            return true;
        }

        return false;
    }
}
