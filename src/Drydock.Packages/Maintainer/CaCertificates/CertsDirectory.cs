namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>
/// The tree under <c>/etc/ssl/certs</c> as update-ca-certificates and <c>openssl rehash</c>
/// change it, kept in memory over a read-only root: links are created and removed here, paths
/// resolve through both, and <see cref="Changes"/> lists what differs from the root at the end.
/// </summary>
internal sealed class CertsDirectory
{
    // Linux gives up after 40 links in one lookup (path_resolution(7), MAXSYMLINKS).
    private const int MaxLinks = 40;

    private readonly IRootTree _root;
    private readonly Dictionary<string, Node> _original;
    private readonly Dictionary<string, Node> _nodes;

    public CertsDirectory(IRootTree root, string path)
    {
        _root = root;
        Path = path;
        _original = new Dictionary<string, Node>(StringComparer.Ordinal);
        Load(path, depth: 0);
        _nodes = new Dictionary<string, Node>(_original, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>Every path below the directory that is a symbolic link, in no particular order.</summary>
    public IEnumerable<string> Symlinks() =>
        _nodes.Where(n => n.Value.Kind == RootNodeKind.Symlink).Select(n => n.Key).ToList();

    /// <summary>Names of the direct children of the directory, sorted by their bytes as strcmp does.</summary>
    public List<string> ChildNames()
    {
        var names = _nodes.Keys.Where(p => p.LastIndexOf('/') == Path.Length).Select(p => p[(Path.Length + 1)..]).ToList();
        names.Sort(Utf8Ordinal.Instance);
        return names;
    }

    public RootNodeKind? KindOf(string path) =>
        _nodes.TryGetValue(path, out var node) ? node.Kind : null;

    public string? ReadLink(string path) => _nodes.TryGetValue(path, out var node) ? node.LinkTarget : null;

    public void SetLink(string path, string target) => _nodes[path] = new Node(RootNodeKind.Symlink, target);

    public void Remove(string path) => _nodes.Remove(path);

    /// <summary>Returns the kind of what a path names after following every link, or null when it is missing.</summary>
    public RootNodeKind? Follow(string path) => Resolve(path) is { } resolved ? NodeKind(resolved) : null;

    /// <summary>Reads the regular file a path names after following links, or returns null.</summary>
    public byte[]? ReadFile(string path)
    {
        if (Resolve(path) is not { } resolved || NodeKind(resolved) != RootNodeKind.File)
        {
            return null;
        }

        using var stream = _root.OpenRead(resolved);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The links created or replaced and the paths removed, sorted by path.</summary>
    public IEnumerable<RootChange> Changes()
    {
        var removed = _original.Keys.Where(p => !_nodes.ContainsKey(p)).Select(RootChange.Removal);
        var written = _nodes.Where(n => n.Value.Kind == RootNodeKind.Symlink
                && (!_original.TryGetValue(n.Key, out var old) || old != n.Value))
            .Select(n => RootChange.Symlink(n.Key, n.Value.LinkTarget!));
        return removed.Concat(written).OrderBy(c => c.Path, StringComparer.Ordinal);
    }

    private void Load(string directory, int depth)
    {
        foreach (var child in _root.List(directory))
        {
            var kind = _root.KindOf(child);
            if (kind is null)
            {
                continue;
            }

            var target = kind == RootNodeKind.Symlink ? _root.ReadLink(child) : null;
            _original[child] = new Node(kind.Value, target);
            // find(1) without -L walks into real directories only.
            if (kind == RootNodeKind.Directory && depth < MaxLinks)
            {
                Load(child, depth + 1);
            }
        }
    }

    private bool Inside(string path) => path.StartsWith(Path + "/", StringComparison.Ordinal);

    private RootNodeKind? NodeKind(string resolved) => Inside(resolved) ? KindOf(resolved) : _root.KindOf(resolved);

    // Resolves links as the kernel would after chroot, reading paths below the directory from
    // the in-memory nodes and everything else from the root.
    private string? Resolve(string path)
    {
        var pending = new Stack<string>(Split(path).Reverse());
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
            var kind = NodeKind(candidate);
            if (kind is null)
            {
                return null;
            }

            if (kind == RootNodeKind.Symlink)
            {
                var target = Inside(candidate) ? ReadLink(candidate) : _root.ReadLink(candidate);
                if (target is null || ++links > MaxLinks)
                {
                    return null;
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

            resolved.Add(name);
        }

        return "/" + string.Join('/', resolved);
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".");

    private sealed record Node(RootNodeKind Kind, string? LinkTarget);
}
