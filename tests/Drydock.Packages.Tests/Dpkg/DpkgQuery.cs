using Drydock.Testing.Rootfs;

namespace Drydock.Packages.Tests.Dpkg;

/// <summary>
/// Runs the system's real <c>dpkg-query -W</c> on a dpkg admin directory and returns the rows
/// of the packages whose files are on disk: name, version, arch, source, source version.
/// </summary>
internal static class DpkgQuery
{
    private const string Format =
        "${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${Status}\n";

    public static List<string> InstalledRows(string adminDirectory)
    {
        var (exitCode, output, errors) = DebianRootfs.Capture(
            "dpkg-query", "-W", "--admindir=" + adminDirectory, "-f", Format);
        Assert.True(exitCode == 0, $"dpkg-query failed with exit code {exitCode}: {errors}");

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields[5].Split(' ')[^1] is not ("not-installed" or "config-files"))
            .Select(fields => string.Join('\t', fields[..5]))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Writes a status file into a fresh admin directory for dpkg-query to read.</summary>
    public static List<string> InstalledRowsOfStatus(string statusFile)
    {
        var admin = Directory.CreateTempSubdirectory("drydock-dpkg-admin-");
        try
        {
            File.Copy(statusFile, Path.Combine(admin.FullName, "status"));
            return InstalledRows(admin.FullName);
        }
        finally
        {
            admin.Delete(recursive: true);
        }
    }
}
