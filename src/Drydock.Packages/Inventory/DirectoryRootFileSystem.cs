namespace Drydock.Packages.Inventory;

/// <summary>
/// A root file system that is a directory on the local disk, such as an unpacked image or a
/// root built by debootstrap. Symbolic links resolve as they would after chroot into the
/// directory: absolute targets start at the root and <c>..</c> stops at the root, so no path
/// leaves it.
/// </summary>
public sealed class DirectoryRootFileSystem : IRootFileSystem
{
    // Linux gives up after 40 links in one lookup (path_resolution(7), MAXSYMLINKS).
    private const int MaxLinks = 40;

    private readonly string _root;

    public DirectoryRootFileSystem(string root)
    {
        _root = Path.GetFullPath(root).TrimEnd('/');
    }

    public Stream? OpenRead(string absolutePath)
    {
        var resolved = ResolvePath(absolutePath);
        if (resolved is null || !File.Exists(ToHost(resolved)))
        {
            return null;
        }

        return new FileStream(ToHost(resolved), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
    }

    public IEnumerable<string> List(string directory)
    {
        var resolved = ResolvePath(directory);
        if (resolved is null || !Directory.Exists(ToHost(resolved)))
        {
            return [];
        }

        var prefix = directory.TrimEnd('/');
        return Directory.EnumerateFileSystemEntries(ToHost(resolved))
            .Select(entry => prefix + "/" + Path.GetFileName(entry))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public string? ResolvePath(string absolutePath)
    {
        var pending = new Stack<string>(Split(absolutePath).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (name == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(name));
            var info = new FileInfo(ToHost(candidate));
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"Too many symbolic links while resolving '{absolutePath}' in '{_root}'.");
                }

                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                foreach (var part in Split(target).Reverse())
                {
                    pending.Push(part);
                }

                continue;
            }

            if (!info.Exists && !Directory.Exists(info.FullName))
            {
                return null;
            }

            resolved.Add(name);
        }

        return "/" + string.Join('/', resolved);
    }

    private string ToHost(string absolutePath) => _root + absolutePath;

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".");
}
