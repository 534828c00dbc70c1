using Drydock.Packages.Inventory;

namespace Drydock.Advisories.Tests.Support;

/// <summary>
/// Reads the real package database fixtures with Drydock's inventory readers, by placing each
/// file where it lives in an image root, and turns the packages into match queries.
/// </summary>
public static class InstalledPackages
{
    public static List<PackageQuery> ReadDpkgStatus(string statusFile) =>
        ReadFromRoot(("var/lib/dpkg/status", statusFile));

    public static List<PackageQuery> ReadDpkgStatusFolder(string folder) =>
        ReadFromRoot(Directory.EnumerateFiles(folder)
            .Select(file => ($"var/lib/dpkg/status.d/{Path.GetFileName(file)}", file))
            .ToArray());

    public static List<PackageQuery> ReadApkInstalled(string installedFile) =>
        ReadFromRoot(("lib/apk/db/installed", installedFile));

    /// <summary>Reads a fixture that already is an image root, such as the debootstrap one.</summary>
    public static List<PackageQuery> ReadRoot(string root) =>
        PackageInventory.Read(new DirectoryRootFileSystem(root)).Packages.Select(PackageQuery.FromInstalled).ToList();

    private static List<PackageQuery> ReadFromRoot(params (string Target, string Source)[] files)
    {
        var root = Directory.CreateTempSubdirectory("drydock-root-");
        try
        {
            foreach (var (target, source) in files)
            {
                var path = Path.Combine(root.FullName, target);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Copy(source, path);
            }

            return ReadRoot(root.FullName);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
