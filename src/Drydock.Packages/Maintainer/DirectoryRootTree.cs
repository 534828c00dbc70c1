using Drydock.Packages.Inventory;

namespace Drydock.Packages.Maintainer;

/// <summary>
/// A root file system on the local disk with chroot semantics for links, as
/// <see cref="DirectoryRootFileSystem"/> resolves them.
/// </summary>
internal sealed class DirectoryRootTree : IRootTree
{
    private readonly string _root;
    private readonly DirectoryRootFileSystem _files;

    public DirectoryRootTree(string root)
    {
        _root = Path.GetFullPath(root).TrimEnd('/');
        _files = new DirectoryRootFileSystem(_root);
    }

    public Stream? OpenRead(string absolutePath) => _files.OpenRead(absolutePath);

    public IEnumerable<string> List(string directory) => _files.List(directory);

    public string? ResolvePath(string absolutePath) => _files.ResolvePath(absolutePath);

    public string? ReadLink(string absolutePath) => HostPath(absolutePath) is { } host ? new FileInfo(host).LinkTarget : null;

    public RootNodeKind? KindOf(string absolutePath)
    {
        if (HostPath(absolutePath) is not { } host)
        {
            return null;
        }

        var info = new FileInfo(host);
        if (info.LinkTarget is not null)
        {
            return RootNodeKind.Symlink;
        }

        if (Directory.Exists(host))
        {
            return RootNodeKind.Directory;
        }

        // NOTE: FIFOs and device nodes also come out as files, because FileInfo does not tell
        // them apart; root file systems built from packages hold none in the paths read here.
        return info.Exists ? RootNodeKind.File : null;
    }

    // The parent directories resolve inside the root; the last component is kept as it is.
    private string? HostPath(string absolutePath)
    {
        var trimmed = absolutePath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        if (slash < 0 || trimmed.Length == 0)
        {
            return null;
        }

        var parent = _files.ResolvePath(slash == 0 ? "/" : trimmed[..slash]);
        return parent is null ? null : _root + parent.TrimEnd('/') + "/" + trimmed[(slash + 1)..];
    }
}
