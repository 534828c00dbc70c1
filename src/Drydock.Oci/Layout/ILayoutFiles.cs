namespace Drydock.Oci.Layout;

/// <summary>
/// Read access to the files of an image layout, whether they sit in a directory or in a tar
/// archive. Paths are relative and use '/'.
/// </summary>
internal interface ILayoutFiles : IDisposable
{
    /// <summary>A display name for errors, such as the directory or archive path.</summary>
    string Location { get; }

    bool Exists(string path);

    long Length(string path);

    Stream Open(string path);
}

/// <summary>Layout files in a directory.</summary>
internal sealed class DirectoryLayoutFiles : ILayoutFiles
{
    private readonly string _root;

    public DirectoryLayoutFiles(string root)
    {
        _root = root;
    }

    public string Location => _root;

    public bool Exists(string path) => File.Exists(Full(path));

    public long Length(string path) => new FileInfo(Full(path)).Length;

    public Stream Open(string path) =>
        new FileStream(Full(path), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);

    public void Dispose()
    {
    }

    private string Full(string path) => Path.Combine(_root, path);
}
