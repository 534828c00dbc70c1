using Drydock.Packages.Distros;

namespace Drydock.Advisories;

/// <summary>
/// Release codenames of the distributions whose feeds name releases that way, and the support
/// end dates of every imported family. The dates live in one place, the table that distribution
/// detection also uses: the end of security updates from the distribution's free channels.
/// </summary>
internal static class DistributionReleases
{
    private static readonly (string Codename, string Version)[] _debian =
    [
        ("wheezy", "7"), ("jessie", "8"), ("stretch", "9"), ("buster", "10"), ("bullseye", "11"),
        ("bookworm", "12"), ("trixie", "13"), ("forky", "14"), ("sid", "unstable"),
    ];

    private static readonly (string Codename, string Version)[] _ubuntu =
    [
        ("precise", "12.04"), ("trusty", "14.04"), ("xenial", "16.04"), ("bionic", "18.04"),
        ("cosmic", "18.10"), ("disco", "19.04"), ("eoan", "19.10"), ("focal", "20.04"),
        ("groovy", "20.10"), ("hirsute", "21.04"), ("impish", "21.10"), ("jammy", "22.04"),
        ("kinetic", "22.10"), ("lunar", "23.04"), ("mantic", "23.10"), ("noble", "24.04"),
        ("oracular", "24.10"), ("plucky", "25.04"), ("questing", "25.10"), ("resolute", "26.04"),
        ("stonking", "26.10"),
    ];

    /// <summary>Maps a Debian codename as the security tracker writes it to its namespace.</summary>
    public static AdvisoryNamespace? DebianNamespace(string codename) =>
        FindVersion(_debian, codename) is { } version
            ? AdvisoryNamespace.Create("debian", version)
            : null;

    /// <summary>Maps an Ubuntu codename (<c>bionic</c>) to its namespace (<c>ubuntu:18.04</c>).</summary>
    public static AdvisoryNamespace? UbuntuNamespace(string codename) =>
        FindVersion(_ubuntu, codename) is { } version
            ? AdvisoryNamespace.Create("ubuntu", version)
            : null;

    /// <summary>
    /// Returns the date security support ended or ends, or null when the release is unknown
    /// or rolling (Debian unstable, Alpine edge). A numbered release older than every listed
    /// one gets the earliest listed date: its support had ended by then.
    /// </summary>
    public static DateOnly? SupportEnd(AdvisoryNamespace ns)
    {
        var table = ns.Family switch
        {
            DistributionFamily.Debian => "debian",
            DistributionFamily.Ubuntu => "ubuntu",
            DistributionFamily.Alpine => "alpine",
            DistributionFamily.RedHat => "rhel",
            _ => null,
        };
        if (table is null)
        {
            return null;
        }

        return EndOfLifeTable.Find(table, ns.Release, out var olderThanKnown)
            ?? (olderThanKnown ? EndOfLifeTable.Earliest(table) : null);
    }

    private static string? FindVersion((string Codename, string Version)[] table, string codename)
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
}
