namespace Drydock.Packages.Apt;

/// <summary>
/// Read access to the files of an operating-system root (an image or a directory), by
/// absolute path inside that root such as <c>/etc/apt/sources.list</c>.
/// </summary>
public interface IRootFileLookup
{
    /// <summary>Opens a regular file, or returns null when it does not exist.</summary>
    Stream? OpenFile(string path);

    /// <summary>Lists the names of the entries of a directory; empty when it does not exist.</summary>
    IReadOnlyList<string> ListDirectory(string path);
}
