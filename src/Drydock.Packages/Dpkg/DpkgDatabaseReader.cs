using Drydock.Packages.Inventory;

namespace Drydock.Packages.Dpkg;

internal sealed class DpkgDatabaseReader : IPackageDatabaseReader
{
    public void Read(IRootFileSystem root, PackageInventoryOptions options, PackageInventoryResult result)
    {
    }
}
