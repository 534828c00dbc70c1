using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Inventory;

/// <summary>
/// A root file system made of the few files an image view kept in memory, keyed by their
/// root-relative path. Symbolic links resolve as after chroot into the image: absolute targets
/// start at the root and <c>..</c> stops there, so no path leaves the image.
/// </summary>
internal sealed class SnapshotRootFileSystem : IRootFileSystem
{
    // Linux gives up after 40 links in one lookup (path_resolution(7), MAXSYMLINKS).
    private const int MaxLinks = 40;

    private readonly IReadOnlyDictionary<string, ImageFile> _files;

    public SnapshotRootFileSystem(IReadOnlyDictionary<string, ImageFile> files)
    {
        _files = files;
    }

    public Stream? OpenRead(string absolutePath)
    {
        var file = Find(absolutePath);
        return file is { Kind: LayerEntryKind.File }
            ? new MemoryStream(file.Content.ToArray(), writable: false)
            : null;
    }

    /// <summary>Returns the text of a regular file, or null when it is absent.</summary>
    public string? ReadText(string absolutePath)
    {
        var file = Find(absolutePath);
        return file is { Kind: LayerEntryKind.File }
            ? System.Text.Encoding.UTF8.GetString(file.Content.Span)
            : null;
    }

    public IEnumerable<string> List(string directory)
    {
        var resolved = ResolvePath(directory);
        if (resolved is null)
        {
            return [];
        }

        var prefix = resolved == "/" ? string.Empty : resolved[1..] + "/";
        var shown = directory.TrimEnd('/');
        return _files.Keys
            .Where(path => path.StartsWith(prefix, StringComparison.Ordinal)
                && path.Length > prefix.Length
                && path.IndexOf('/', prefix.Length) < 0)
            .Select(path => shown + "/" + path[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public string? ResolvePath(string absolutePath)
    {
        var pending = new Stack<string>(Split(absolutePath).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.TryPop(out var name))
        {
            if (name == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            resolved.Add(name);
            var key = string.Join('/', resolved);
            if (!_files.TryGetValue(key, out var node) && !IsImpliedDirectory(key))
            {
                return null;
            }

            if (node is { Kind: LayerEntryKind.Symlink, LinkTarget: { } target })
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"Too many symbolic links while resolving '{absolutePath}' in the image.");
                }

                resolved.RemoveAt(resolved.Count - 1);
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                foreach (var part in Split(target).Reverse())
                {
                    pending.Push(part);
                }
            }
        }

        return "/" + string.Join('/', resolved);
    }

    private ImageFile? Find(string absolutePath)
    {
        var resolved = ResolvePath(absolutePath);
        return resolved is null ? null : _files.GetValueOrDefault(resolved.TrimStart('/'));
    }

    // A layer may hold var/lib/dpkg/status without an entry for var/lib itself; the directory
    // then exists in the image all the same.
    private bool IsImpliedDirectory(string key) =>
        _files.Keys.Any(path => path.Length > key.Length && path[key.Length] == '/'
            && path.StartsWith(key, StringComparison.Ordinal));

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".");
}
