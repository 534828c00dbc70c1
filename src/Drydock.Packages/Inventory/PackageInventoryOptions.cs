namespace Drydock.Packages.Inventory;

/// <summary>Settings for reading the package databases of a root file system.</summary>
public sealed record PackageInventoryOptions
{
    /// <summary>
    /// Whether to list the files each package owns in <see cref="InstalledPackage.Files"/>.
    /// Off by default because file lists are most of a database's size.
    /// </summary>
    public bool IncludeFiles { get; init; }
}
