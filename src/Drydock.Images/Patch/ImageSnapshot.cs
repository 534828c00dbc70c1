using Drydock.Oci.Layers;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Patch;

/// <summary>
/// What a patch needs to know of the flattened image, read in one pass over its layers with
/// the overlay rules of the OCI image spec v1.1 (layer.md): the kind of every path, the target
/// of every symlink, and the content of the files under <c>_keptPrefixes</c> (the dpkg
/// database, apt's configuration and keys, /etc for conffiles, and the certificates that
/// update-ca-certificates reads), of debconf's config.dat, and of every shared library and of
/// ldconfig itself, which the native ldconfig reads.
/// </summary>
internal sealed class ImageSnapshot : IRootFileSystem
{
    private static readonly string[] _keptPrefixes =
    [
        "etc/", "var/lib/dpkg/", "usr/share/keyrings/", "usr/share/ca-certificates/",
        "usr/local/share/ca-certificates/",
    ];

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);

    /// <summary>The largest file kept in memory; conffiles and dpkg files are far smaller.</summary>
    public const long MaxKeptFileSize = 64L * 1024 * 1024;

    public static async Task<ImageSnapshot> ReadAsync(
        ResolvedImage image, IReadOnlyList<ImageLayer> layers, CancellationToken cancellationToken)
    {
        var snapshot = new ImageSnapshot();
        foreach (var layer in layers)
        {
            using var reader = await image.OpenLayerAsync(layer, null, cancellationToken).ConfigureAwait(false);
            var lowerPaths = snapshot._nodes.Keys.ToHashSet(StringComparer.Ordinal);
            while (reader.Next() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                snapshot.Apply(entry, lowerPaths);
            }
        }

        return snapshot;
    }

    /// <summary>Returns the kind of the node at a root-relative path, without following a final symlink.</summary>
    public LayerEntryKind? KindOf(string path) => _nodes.TryGetValue(path, out var node) ? node.Kind : null;

    /// <summary>Returns the target of the symlink at a root-relative path, or null for anything else.</summary>
    public string? ReadLink(string path) =>
        _nodes.TryGetValue(path, out var node) && node.Kind == LayerEntryKind.Symlink ? node.LinkTarget : null;

    /// <summary>Returns the content of a kept regular file, following symlinks; null when absent.</summary>
    public byte[]? ReadFile(string path)
    {
        var resolved = RootPaths.Resolve(path, ReadLink, followFinal: true);
        return _nodes.TryGetValue(resolved, out var node) && node.Kind == LayerEntryKind.File ? node.Content : null;
    }

    /// <summary>Root-relative paths of the direct children of a directory, sorted.</summary>
    public IReadOnlyList<string> Children(string directory)
    {
        var prefix = directory.Length == 0 ? "" : directory + "/";
        return _nodes.Keys
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length
                && p.IndexOf('/', prefix.Length) < 0)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    Stream? IRootFileSystem.OpenRead(string absolutePath) =>
        ReadFile(absolutePath) is { } content ? new MemoryStream(content) : null;

    IEnumerable<string> IRootFileSystem.List(string directory)
    {
        var resolved = RootPaths.Resolve(directory, ReadLink, followFinal: true);
        return Children(resolved).Select(p => "/" + p);
    }

    string? IRootFileSystem.ResolvePath(string absolutePath)
    {
        var resolved = RootPaths.Resolve(absolutePath, ReadLink, followFinal: true);
        return resolved.Length == 0 || _nodes.ContainsKey(resolved) ? "/" + resolved : null;
    }

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
        if (entry.Kind != LayerEntryKind.Directory && KindOf(entry.Path) == LayerEntryKind.Directory)
        {
            _nodes.RemoveTree(entry.Path, includeSelf: false, _ => true);
        }

        _nodes[entry.Path] = entry.Kind switch
        {
            LayerEntryKind.File => new Node(LayerEntryKind.File, null, IsKept(entry.Path, entry.Size) ? Read(entry) : null),
            LayerEntryKind.HardLink => HardLink(entry),
            _ => new Node(entry.Kind, entry.LinkTarget, null),
        };
    }

    private Node HardLink(LayerEntry entry)
    {
        var target = entry.LinkTarget is { } link ? _nodes.GetValueOrDefault(link) : null;
        return new Node(LayerEntryKind.File, null, target?.Content);
    }

    /// <summary>Returns true for a file whose content the patch reads, so the snapshot keeps it.</summary>
    public static bool IsKept(string path, long size) =>
        size <= MaxKeptFileSize
        && (path is "usr/lib/os-release" or "sbin/ldconfig" or "usr/sbin/ldconfig" or "var/cache/debconf/config.dat"
            || IsSharedLibrary(path)
            || _keptPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal)));

    /// <summary>
    /// Returns true for a file that ldconfig (glibc 2.36) reads in its directories: a name
    /// starting with <c>lib</c> or <c>ld-</c> that has <c>.so</c> in it.
    /// </summary>
    /// <remarks>
    /// NOTE: such files are kept wherever they are, not only in the ldconfig directories, because
    /// /etc/ld.so.conf may sit in a later layer than the libraries.
    /// </remarks>
    public static bool IsSharedLibrary(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return (name.StartsWith("lib", StringComparison.Ordinal) || name.StartsWith("ld-", StringComparison.Ordinal))
            && name.Contains(".so", StringComparison.Ordinal);
    }

    /// <summary>Every node of the image by root-relative path: its kind, link target and kept content.</summary>
    public IEnumerable<(string Path, LayerEntryKind Kind, string? LinkTarget, byte[]? Content)> Nodes() =>
        _nodes.Select(n => (n.Key, n.Value.Kind, n.Value.LinkTarget, n.Value.Content));

    /// <summary>Returns the <c>ID</c> of the image's os-release(5), or null when there is none.</summary>
    public string? OsReleaseId()
    {
        var content = ReadFile("etc/os-release") ?? ReadFile("usr/lib/os-release");
        var line = content is null ? null : System.Text.Encoding.UTF8.GetString(content).Split('\n')
            .FirstOrDefault(l => l.StartsWith("ID=", StringComparison.Ordinal));
        return line?["ID=".Length..].Trim().Trim('"', '\'');
    }

    // Read into an array of the entry's size: the shared libraries alone are tens of megabytes,
    // which a growing MemoryStream would copy several times.
    private static byte[] Read(LayerEntry entry)
    {
        using var data = entry.OpenData();
        var content = new byte[entry.Size];
        data.ReadExactly(content);
        return content;
    }

    private sealed record Node(LayerEntryKind Kind, string? LinkTarget, byte[]? Content);
}
