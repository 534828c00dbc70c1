using Drydock.Oci.Layers;

namespace Drydock.Oci.FileSystem;

/// <summary>
/// A sparse index of the flattened file system, built by applying layers in order with overlay
/// semantics. It keeps every symlink (so that paths can be resolved) and the files that
/// <see cref="IsWanted"/> selects, with their content; everything else passes through without
/// being kept, so memory depends on what is asked for, not on the image.
/// </summary>
internal sealed class OverlayIndex
{
    private readonly Dictionary<string, ImageFile> _nodes = new(StringComparer.Ordinal);

    // For each directory, how many kept nodes lie below it; lets subtree removal skip the scan
    // of all nodes when nothing below the path is kept, which is nearly always.
    private readonly Dictionary<string, int> _descendants = new(StringComparer.Ordinal);
    private readonly long _maxFileSize;
    private readonly List<ImageFile> _changed = [];
    private readonly List<string> _removed = [];
    private int _layer;

    public OverlayIndex(Func<string, bool> isWanted, long maxFileSize)
    {
        IsWanted = isWanted;
        _maxFileSize = maxFileSize;
    }

    /// <summary>Selects the paths whose files are kept with their content.</summary>
    public Func<string, bool> IsWanted { get; set; }

    /// <summary>Hard links to wanted paths whose target was not kept when the link was read.</summary>
    public HashSet<string> MissedLinkTargets { get; } = new(StringComparer.Ordinal);

    /// <summary>Called when a symlink is kept, so that a caller can widen what it wants.</summary>
    public Action<string>? SymlinkAdded { get; set; }

    public IReadOnlyDictionary<string, ImageFile> Nodes => _nodes;

    public IReadOnlyList<ImageFile> Changed => _changed;

    public IReadOnlyList<string> Removed => _removed;

    public void BeginLayer(int index)
    {
        _layer = index;
        _changed.Clear();
        _removed.Clear();
    }

    /// <summary>Returns the target of a kept symlink, for <see cref="PathResolver"/>.</summary>
    public string? ReadLink(string path) =>
        _nodes.TryGetValue(path, out var node) && node.Kind == LayerEntryKind.Symlink ? node.LinkTarget : null;

    /// <summary>Applies one entry of the current layer.</summary>
    public void Apply(LayerEntry entry)
    {
        switch (entry.Kind)
        {
            case LayerEntryKind.Whiteout:
                RemoveTree(entry.Path, includeSelf: true, belowLayer: int.MaxValue);
                return;
            case LayerEntryKind.OpaqueWhiteout:
                RemoveTree(entry.Path, includeSelf: false, belowLayer: _layer);
                return;
            case LayerEntryKind.Directory when entry.Path.Length == 0:
                return;
        }

        ReplaceNonDirectoryAncestors(entry.Path);
        if (entry.Kind != LayerEntryKind.Directory)
        {
            RemoveTree(entry.Path, includeSelf: false, belowLayer: int.MaxValue, record: false);
        }

        var node = Keep(entry);
        if (node is null)
        {
            RemoveNode(entry.Path);
            return;
        }

        SetNode(node);
        _changed.Add(node);
        if (node.Kind == LayerEntryKind.Symlink)
        {
            SymlinkAdded?.Invoke(entry.Path);
        }
    }

    private ImageFile? Keep(LayerEntry entry)
    {
        var wanted = IsWanted(entry.Path);
        if (entry.Kind == LayerEntryKind.HardLink)
        {
            return wanted ? FollowHardLink(entry) : null;
        }

        if (!wanted && entry.Kind != LayerEntryKind.Symlink)
        {
            return null;
        }

        var content = ReadOnlyMemory<byte>.Empty;
        if (entry.Kind == LayerEntryKind.File)
        {
            content = ReadContent(entry);
        }

        return new ImageFile
        {
            Path = entry.Path,
            Kind = entry.Kind,
            Content = content,
            LinkTarget = entry.Kind == LayerEntryKind.Symlink ? entry.LinkTarget : null,
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            ModificationTime = entry.ModificationTime,
            LayerIndex = _layer,
        };
    }

    // A hard link shares its target's inode, so it is reported as a copy of the target file.
    private ImageFile? FollowHardLink(LayerEntry entry)
    {
        var target = entry.LinkTarget!;
        if (_nodes.TryGetValue(target, out var file) && file.Kind == LayerEntryKind.File)
        {
            return file with { Path = entry.Path, LayerIndex = _layer };
        }

        MissedLinkTargets.Add(target);
        return null;
    }

    private byte[] ReadContent(LayerEntry entry)
    {
        if (entry.Size > _maxFileSize)
        {
            throw new IOException(
                $"File '/{entry.Path}' is {entry.Size} bytes, over the limit of {_maxFileSize} bytes for "
                + "files read into memory.");
        }

        var content = new byte[entry.Size];
        entry.OpenData().ReadExactly(content);
        return content;
    }

    // In an overlay, an entry below a path that a lower layer made a file or symlink turns that
    // path into a directory of the upper layer, hiding the lower node.
    private void ReplaceNonDirectoryAncestors(string path)
    {
        var slash = path.IndexOf('/');
        while (slash > 0)
        {
            var ancestor = path[..slash];
            if (_nodes.TryGetValue(ancestor, out var node) && node.Kind != LayerEntryKind.Directory)
            {
                RemoveNode(ancestor);
            }

            slash = path.IndexOf('/', slash + 1);
        }
    }

    private void SetNode(ImageFile node)
    {
        if (_nodes.TryAdd(node.Path, node))
        {
            CountDescendant(node.Path, +1);
        }
        else
        {
            _nodes[node.Path] = node;
        }
    }

    private bool RemoveNode(string path)
    {
        if (!_nodes.Remove(path))
        {
            return false;
        }

        CountDescendant(path, -1);
        return true;
    }

    private void CountDescendant(string path, int delta)
    {
        var end = path.Length;
        while (true)
        {
            var slash = path.LastIndexOf('/', end - 1);
            var ancestor = slash < 0 ? string.Empty : path[..slash];
            var count = _descendants.GetValueOrDefault(ancestor) + delta;
            if (count == 0)
            {
                _descendants.Remove(ancestor);
            }
            else
            {
                _descendants[ancestor] = count;
            }

            if (slash < 0)
            {
                return;
            }

            end = slash;
        }
    }

    private void RemoveTree(string path, bool includeSelf, int belowLayer, bool record = true)
    {
        if (!_descendants.ContainsKey(path))
        {
            if (includeSelf && _nodes.TryGetValue(path, out var self) && self.LayerIndex < belowLayer)
            {
                RemoveNode(path);
            }

            if (record && includeSelf && IsWanted(path))
            {
                _removed.Add(path);
            }

            return;
        }

        var doomed = _nodes
            .Where(pair => pair.Value.LayerIndex < belowLayer && EntryPaths.IsSelfOrBelow(pair.Key, path))
            .Where(pair => includeSelf || pair.Key.Length != path.Length)
            .Select(pair => pair.Key)
            .ToList();
        foreach (var key in doomed)
        {
            RemoveNode(key);
            if (record && IsWanted(key))
            {
                _removed.Add(key);
            }
        }

        if (record && includeSelf && doomed.Count == 0 && IsWanted(path))
        {
            _removed.Add(path);
        }
    }
}
