namespace Drydock.Packages.Maintainer;

/// <summary>One node of an <see cref="InMemoryRootTree"/>: its kind, link target or file content.</summary>
internal sealed record RootNode(RootNodeKind Kind, string? LinkTarget = null, byte[]? Content = null);

/// <summary>
/// A root file system held in memory, such as the tree a build assembles before it writes the
/// layer, keyed by absolute path. Links resolve with chroot semantics: absolute targets start at
/// the root and <c>..</c> stops there.
/// </summary>
internal sealed class InMemoryRootTree : IRootTree
{
    // Linux gives up after 40 links in one lookup (path_resolution(7), MAXSYMLINKS).
    private const int MaxLinks = 40;

    private readonly Dictionary<string, RootNode> _nodes;
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    /// <param name="nodes">Nodes by absolute path; missing parent directories are implied.</param>
    public InMemoryRootTree(IReadOnlyDictionary<string, RootNode> nodes)
    {
        _nodes = new Dictionary<string, RootNode>(nodes, StringComparer.Ordinal);
        foreach (var path in nodes.Keys)
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                _nodes.TryAdd(path[..slash], new RootNode(RootNodeKind.Directory));
            }
        }

        foreach (var path in _nodes.Keys)
        {
            var slash = path.LastIndexOf('/');
            var parent = slash <= 0 ? "/" : path[..slash];
            if (!_children.TryGetValue(parent, out var list))
            {
                _children[parent] = list = [];
            }

            list.Add(path);
        }

        foreach (var list in _children.Values)
        {
            list.Sort(StringComparer.Ordinal);
        }
    }

    public Stream? OpenRead(string absolutePath) =>
        ResolvePath(absolutePath) is { } resolved && _nodes.TryGetValue(resolved, out var node)
            && node.Kind == RootNodeKind.File ? new MemoryStream(node.Content ?? [], writable: false) : null;

    public IEnumerable<string> List(string directory)
    {
        var resolved = ResolvePath(directory);
        if (resolved is null || !_children.TryGetValue(resolved, out var children))
        {
            return [];
        }

        var prefix = directory.TrimEnd('/');
        return [.. children.Select(child => prefix + child[child.LastIndexOf('/')..])];
    }

    public string? ReadLink(string absolutePath) =>
        Parent(absolutePath) is { } path && _nodes.TryGetValue(path, out var node) ? node.LinkTarget : null;

    public RootNodeKind? KindOf(string absolutePath)
    {
        if (absolutePath.Trim('/').Length == 0)
        {
            return RootNodeKind.Directory;
        }

        return Parent(absolutePath) is { } path && _nodes.TryGetValue(path, out var node) ? node.Kind : null;
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
            if (!_nodes.TryGetValue(candidate, out var node))
            {
                return null;
            }

            if (node.Kind == RootNodeKind.Symlink)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"Too many symbolic links while resolving '{absolutePath}'.");
                }

                if (node.LinkTarget!.StartsWith('/'))
                {
                    resolved.Clear();
                }

                foreach (var part in Split(node.LinkTarget).Reverse())
                {
                    pending.Push(part);
                }

                continue;
            }

            resolved.Add(name);
        }

        return "/" + string.Join('/', resolved);
    }

    // The path with its parent directories resolved and its last component kept.
    private string? Parent(string absolutePath)
    {
        var trimmed = absolutePath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        if (slash < 0)
        {
            return null;
        }

        var parent = ResolvePath(slash == 0 ? "/" : trimmed[..slash]);
        return parent is null ? null : parent.TrimEnd('/') + trimmed[slash..];
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".");
}
