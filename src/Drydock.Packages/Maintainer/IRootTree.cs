using Drydock.Packages.Inventory;

namespace Drydock.Packages.Maintainer;

/// <summary>The kind of a node in a root file system.</summary>
internal enum RootNodeKind
{
    File,
    Directory,
    Symlink,
    Other,
}

/// <summary>
/// A root file system that also reports symbolic links and node kinds, which the native
/// replacements of maintainer scripts need to reproduce what <c>find</c>, <c>test</c> and
/// <c>readlink</c> see in the scripts. Paths are absolute inside the root.
/// </summary>
internal interface IRootTree : IRootFileSystem
{
    /// <summary>
    /// Returns the target of the symbolic link at a path, resolving its parent directories but
    /// not the link itself, or null when the path is not a symbolic link.
    /// </summary>
    string? ReadLink(string absolutePath);

    /// <summary>Returns the kind of the node at a path, without following a final symbolic link.</summary>
    RootNodeKind? KindOf(string absolutePath);
}
