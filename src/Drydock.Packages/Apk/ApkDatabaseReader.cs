using System.Text;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Apk;

/// <summary>
/// Reads apk's installed database from <c>/lib/apk/db/installed</c> (Alpine) and
/// <c>/usr/lib/apk/db/installed</c> (Wolfi and apko images). When one is a link to the other,
/// or a directory on the way is (merged /usr), the file is read once.
/// </summary>
internal sealed class ApkDatabaseReader : IPackageDatabaseReader
{
    private static readonly string[] _paths = ["/lib/apk/db/installed", "/usr/lib/apk/db/installed"];

    public bool IsDatabasePath(string absolutePath) => _paths.Contains(absolutePath);

    public void Read(IRootFileSystem root, PackageInventoryOptions options, PackageInventoryResult result)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in _paths)
        {
            if (root.ResolvePath(path) is not { } resolved || !seen.Add(resolved))
            {
                continue;
            }

            using var stream = root.OpenRead(path);
            if (stream is null)
            {
                continue;
            }

            result.AddDatabase(path);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            new ApkPackageParser(path, options.IncludeFiles, result).Parse(reader);
        }
    }
}
