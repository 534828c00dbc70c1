namespace Drydock.Packages.Apt;

/// <summary>An <see cref="IRootFileLookup"/> over a directory of the host file system.</summary>
public sealed class DirectoryRootLookup : IRootFileLookup
{
    private readonly string _root;

    public DirectoryRootLookup(string root)
    {
        _root = Path.GetFullPath(root);
    }

    public Stream? OpenFile(string path)
    {
        var full = Resolve(path);
        return File.Exists(full) ? File.OpenRead(full) : null;
    }

    public IReadOnlyList<string> ListDirectory(string path)
    {
        var full = Resolve(path);
        if (!Directory.Exists(full))
        {
            return [];
        }

        var names = Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private string Resolve(string path)
    {
        // Paths inside the root are joined lexically. A symbolic link inside the root that
        // points elsewhere on the host would still be followed, which is acceptable here
        // because the directory is one the caller chose to trust.
        var relative = path.TrimStart('/');
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root, StringComparison.Ordinal))
        {
            throw new IOException($"The path '{path}' climbs out of the root '{_root}'.");
        }

        return full;
    }
}
