namespace Drydock.Images.Inventory;

/// <summary>
/// The root-relative paths (no leading '/') that an inventory reads from an image: the package
/// databases at the distribution's own paths and the release files, plus every directory on
/// the way to them, so that symbolic links such as <c>lib -> usr/lib</c> resolve.
/// </summary>
internal static class PackageDatabasePaths
{
    private static readonly string[] _databaseFiles =
    [
        "var/lib/dpkg/status",
        "lib/apk/db/installed",
        "usr/lib/apk/db/installed",
        "var/lib/rpm/rpmdb.sqlite",
        "var/lib/rpm/Packages.db",
        "var/lib/rpm/Packages",
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/Packages.db",
        "usr/lib/sysimage/rpm/Packages",
    ];

    private const string DpkgStatusDirectory = "var/lib/dpkg/status.d";

    private static readonly HashSet<string> _files = new(_databaseFiles, StringComparer.Ordinal)
    {
        "usr/lib/os-release",
    };

    private static readonly HashSet<string> _directories = BuildDirectories();

    /// <summary>Selects every path the inventory reads, databases and release files.</summary>
    public static bool IsSelected(string path) =>
        IsDatabase(path) || _files.Contains(path) || _directories.Contains(path) || IsReleaseFile(path);

    /// <summary>Selects the package database paths, whose changes call for a new reading.</summary>
    public static bool IsDatabase(string path) =>
        _files.Contains(path) && path != "usr/lib/os-release"
        || path == DpkgStatusDirectory
        || path.StartsWith(DpkgStatusDirectory + "/", StringComparison.Ordinal);

    // /etc/os-release, /etc/debian_version, /etc/alpine-release, /etc/redhat-release and the
    // other release files that distribution detection reads all sit directly in /etc.
    private static bool IsReleaseFile(string path) =>
        path.StartsWith("etc/", StringComparison.Ordinal)
        && path.IndexOf('/', 4) < 0
        && (path.EndsWith("-release", StringComparison.Ordinal)
            || path.EndsWith("_version", StringComparison.Ordinal));

    private static HashSet<string> BuildDirectories()
    {
        var directories = new HashSet<string>(StringComparer.Ordinal) { "etc", DpkgStatusDirectory };
        foreach (var file in _files)
        {
            for (var slash = file.IndexOf('/'); slash > 0; slash = file.IndexOf('/', slash + 1))
            {
                directories.Add(file[..slash]);
            }
        }

        return directories;
    }
}
