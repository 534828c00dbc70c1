using Drydock.Packages.Inventory;

namespace Drydock.Packages.Apk;

internal sealed class ApkDatabaseReader : IPackageDatabaseReader
{
    public void Read(IRootFileSystem root, PackageInventoryOptions options, PackageInventoryResult result)
    {
    }
}
