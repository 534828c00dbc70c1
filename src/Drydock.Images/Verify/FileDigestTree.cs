using System.Security.Cryptography;
using Drydock.Images.Patch;
using Drydock.Oci.Layers;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Verify;

/// <summary>
/// The flattened file system of an image as <c>dpkg --verify</c> needs it, read in one pass over
/// the layers with the overlay rules of the OCI image spec v1.1 (layer.md): the kind of every
/// path, the target of every symlink, the MD5 of every regular file, and the content of the
/// dpkg database under <c>var/lib/dpkg/</c>. Other file contents are hashed as they stream by
/// and never kept.
/// </summary>
internal sealed class FileDigestTree : IRootFileSystem
{
    private const string DatabasePrefix = "var/lib/dpkg/";

    /// <summary>The largest dpkg database file kept in memory; larger ones are hashed only.</summary>
    private const long MaxKeptFileSize = 256L * 1024 * 1024;

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);

    public static async Task<FileDigestTree> ReadAsync(ResolvedImage image, CancellationToken cancellationToken)
    {
        var tree = new FileDigestTree();
        foreach (var layer in image.Layers)
        {
            using var reader = await image.OpenLayerAsync(layer, null, cancellationToken).ConfigureAwait(false);
            var lowerPaths = tree._nodes.Keys.ToHashSet(StringComparer.Ordinal);
            while (reader.Next() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                tree.Apply(entry, lowerPaths);
            }
        }

        return tree;
    }

    /// <summary>The number of paths in the flattened image.</summary>
    public int Count => _nodes.Count;

    /// <summary>Returns the kind of the node at a path, following symlinks of every component but the last.</summary>
    public LayerEntryKind? KindOf(string path, bool followFinal = false) =>
        _nodes.TryGetValue(Resolve(path, followFinal), out var node) ? node.Kind : null;

    /// <summary>Returns the lower-case hex MD5 of the regular file at a path (following symlinks), or null.</summary>
    public string? Md5Of(string path) =>
        _nodes.TryGetValue(Resolve(path, followFinal: true), out var node) && node.Kind == LayerEntryKind.File
            ? node.Md5
            : null;

    public Stream? OpenRead(string absolutePath) =>
        _nodes.TryGetValue(Resolve(absolutePath, followFinal: true), out var node) && node.Content is { } content
            ? new MemoryStream(content, writable: false)
            : null;

    public IEnumerable<string> List(string directory)
    {
        var resolved = Resolve(directory, followFinal: true);
        var prefix = resolved.Length == 0 ? "" : resolved + "/";
        var shown = directory.TrimEnd('/');
        return _nodes.Keys
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length
                && p.IndexOf('/', prefix.Length) < 0)
            .Select(p => shown + "/" + p[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public string? ResolvePath(string absolutePath)
    {
        var resolved = Resolve(absolutePath, followFinal: true);
        return resolved.Length == 0 || _nodes.ContainsKey(resolved) ? "/" + resolved : null;
    }

    private string Resolve(string path, bool followFinal) =>
        RootPaths.Resolve(path, ReadLink, followFinal);

    private string? ReadLink(string path) =>
        _nodes.TryGetValue(path, out var node) && node.Kind == LayerEntryKind.Symlink ? node.LinkTarget : null;

    private void Apply(LayerEntry entry, HashSet<string> lowerPaths)
    {
        switch (entry.Kind)
        {
            case LayerEntryKind.Whiteout:
                _nodes.RemoveTree(entry.Path, includeSelf: true, _ => true);
                return;
            case LayerEntryKind.OpaqueWhiteout:
                _nodes.RemoveTree(entry.Path, includeSelf: false, lowerPaths.Contains);
                return;
            case LayerEntryKind.Directory when entry.Path.Length == 0:
                return;
        }

        // A file replacing a directory hides everything below it, as in an overlay mount.
        if (entry.Kind != LayerEntryKind.Directory
            && _nodes.TryGetValue(entry.Path, out var old) && old.Kind == LayerEntryKind.Directory)
        {
            _nodes.RemoveTree(entry.Path, includeSelf: false, _ => true);
        }

        _nodes[entry.Path] = entry.Kind switch
        {
            LayerEntryKind.File => ReadFile(entry),
            LayerEntryKind.HardLink => _nodes.GetValueOrDefault(entry.LinkTarget ?? "")
                ?? new Node(LayerEntryKind.File, null, null, null),
            _ => new Node(entry.Kind, entry.LinkTarget, null, null),
        };
    }

    private static Node ReadFile(LayerEntry entry)
    {
        using var data = entry.OpenData();
        if (!entry.Path.StartsWith(DatabasePrefix, StringComparison.Ordinal) || entry.Size > MaxKeptFileSize)
        {
            return new Node(LayerEntryKind.File, null, Convert.ToHexStringLower(MD5.HashData(data)), null);
        }

        var content = new byte[entry.Size];
        data.ReadExactly(content);
        return new Node(LayerEntryKind.File, null, Convert.ToHexStringLower(MD5.HashData(content)), content);
    }

    // MD5 is the digest dpkg records in md5sums files and the Conffiles field (deb-md5sums(5)),
    // so it serves here to compare with those records, not as a security check.
    private sealed record Node(LayerEntryKind Kind, string? LinkTarget, string? Md5, byte[]? Content);
}
