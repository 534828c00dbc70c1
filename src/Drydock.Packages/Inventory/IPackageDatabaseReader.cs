namespace Drydock.Packages.Inventory;

/// <summary>A reader for one package database format (dpkg, apk or rpm).</summary>
internal interface IPackageDatabaseReader
{
    /// <summary>
    /// Reads every database of this format found at the distribution's own paths in the root,
    /// adding its packages and the diagnostics for malformed records to <paramref name="result"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A database's structure is malformed.</exception>
    void Read(IRootFileSystem root, PackageInventoryOptions options, PackageInventoryResult result);

    /// <summary>Tells whether <see cref="Read"/> may open the file at an absolute path.</summary>
    bool IsDatabasePath(string absolutePath);
}
