namespace Drydock.Packages.Inventory;

/// <summary>The installed packages of a root file system and what was wrong while reading them.</summary>
public sealed class PackageInventoryResult
{
    private readonly List<InstalledPackage> _packages = [];
    private readonly List<PackageDiagnostic> _diagnostics = [];
    private readonly List<string> _databases = [];

    /// <summary>The installed packages, in the order of each database.</summary>
    public IReadOnlyList<InstalledPackage> Packages => _packages;

    /// <summary>Malformed records that were skipped or read in part.</summary>
    public IReadOnlyList<PackageDiagnostic> Diagnostics => _diagnostics;

    /// <summary>Absolute paths inside the root of the database files that were read.</summary>
    public IReadOnlyList<string> Databases => _databases;

    internal void Add(InstalledPackage package) => _packages.Add(package);

    internal void Report(string file, int line, string message) =>
        _diagnostics.Add(new PackageDiagnostic(file, line, message));

    internal void AddDatabase(string path) => _databases.Add(path);
}
