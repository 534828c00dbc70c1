namespace Drydock.Packages.Inventory;

/// <summary>
/// Read access to the files of one root file system, such as an unpacked directory or the
/// flattened view of an image. Paths are absolute inside that root (<c>/var/lib/dpkg/status</c>).
/// </summary>
public interface IRootFileSystem
{
    /// <summary>
    /// Opens a regular file for reading, following symbolic links inside the root, or returns
    /// null when the path does not exist or is not a regular file.
    /// </summary>
    Stream? OpenRead(string absolutePath);

    /// <summary>
    /// Lists the absolute paths of the entries directly inside a directory, or nothing when the
    /// directory does not exist.
    /// </summary>
    IEnumerable<string> List(string directory);

    /// <summary>
    /// Returns the path with every symbolic link inside the root resolved, or null when it does
    /// not exist. Two paths that resolve to the same value name the same file.
    /// </summary>
    string? ResolvePath(string absolutePath);
}
