using System.Runtime.CompilerServices;
using Drydock.Oci.Layers;

namespace Drydock.Oci.FileSystem;

/// <summary>
/// The flattened file system of an image, read by streaming its layers in order with the
/// overlay semantics of the OCI image spec v1.1 (layer.md: whiteouts, opaque directories)
/// without extracting anything to disk. Only the files asked for are kept in memory, with
/// every symlink, so memory does not grow with the size of the image.
/// </summary>
public sealed class ImageFileSystem
{
    private readonly Func<ImageLayer, CancellationToken, Task<LayerReader>> _openLayer;

    /// <param name="layers">The layers from the bottom one up.</param>
    /// <param name="openLayer">Opens a checked reader over a layer.</param>
    public ImageFileSystem(IReadOnlyList<ImageLayer> layers,
        Func<ImageLayer, CancellationToken, Task<LayerReader>> openLayer)
    {
        Layers = layers;
        _openLayer = openLayer;
    }

    /// <summary>Creates the view of a resolved image.</summary>
    public ImageFileSystem(ResolvedImage image, LayerLimits? limits = null)
        : this(image.Layers, (layer, token) => image.OpenLayerAsync(layer, limits, token))
    {
    }

    public IReadOnlyList<ImageLayer> Layers { get; }

    /// <summary>Content bytes one file may have to be read into memory (default 256 MiB).</summary>
    public long MaxFileSize { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Reads files by absolute path, such as <c>/etc/os-release</c>, following symlinks inside the
    /// image root. A path that names no regular file maps to null. Usually one pass over the
    /// layers suffices; a symlink that appears after its target in the archive costs another.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ImageFile?>> ReadFilesAsync(IEnumerable<string> paths,
        CancellationToken cancellationToken)
    {
        var requested = paths.Distinct(StringComparer.Ordinal).ToList();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in requested)
        {
            wanted.Add(PathResolver.Resolve(path, _ => null));
        }

        for (var pass = 0; ; pass++)
        {
            // A file wanted from the start of a pass was kept if present; one that became wanted
            // during the pass may have gone by before, so it is worth another pass.
            var wantedFromStart = new HashSet<string>(wanted, StringComparer.Ordinal);
            var index = NewIndex(wanted.Contains);
            index.SymlinkAdded = _ => WidenThroughSymlinks(index, requested, wanted);
            await ScanAsync(index, cancellationToken).ConfigureAwait(false);

            var results = new Dictionary<string, ImageFile?>(StringComparer.Ordinal);
            var missing = false;
            foreach (var path in requested)
            {
                var real = PathResolver.Resolve(path, index.ReadLink);
                index.Nodes.TryGetValue(real, out var node);
                results[path] = node is { Kind: LayerEntryKind.File } ? node : null;
                wanted.Add(real);
                missing |= node is null && !wantedFromStart.Contains(real);
            }

            foreach (var target in index.MissedLinkTargets)
            {
                wanted.Add(target);
                missing |= !wantedFromStart.Contains(target);
            }

            if (!missing || pass >= PathResolver.MaxSymlinks)
            {
                return results;
            }
        }
    }

    /// <summary>Reads one file by absolute path, or returns null when it is absent.</summary>
    public async Task<ImageFile?> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        var results = await ReadFilesAsync([path], cancellationToken).ConfigureAwait(false);
        return results[path];
    }

    /// <summary>
    /// Reads every file, symlink and node whose root-relative path (no leading '/') the
    /// predicate selects, as present in the flattened image. Symlinks are not followed.
    /// </summary>
    public async Task<IReadOnlyList<ImageFile>> ReadMatchingAsync(Func<string, bool> predicate,
        CancellationToken cancellationToken)
    {
        var index = NewIndex(predicate);
        await ScanAsync(index, cancellationToken).ConfigureAwait(false);
        return index.Nodes.Values
            .Where(node => predicate(node.Path))
            .OrderBy(node => node.Path, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Yields, for each layer from the bottom up, the selected files it changed and removed and
    /// the selected files present once it is applied: for example the dpkg status database as
    /// it was after each layer, to tell which layer brought a package.
    /// </summary>
    public async IAsyncEnumerable<LayerChanges> ReadLayerChangesAsync(Func<string, bool> predicate,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = NewIndex(predicate);
        foreach (var layer in Layers)
        {
            await ScanLayerAsync(index, layer, cancellationToken).ConfigureAwait(false);
            var state = index.Nodes.Values
                .Where(node => predicate(node.Path))
                .ToDictionary(node => node.Path, StringComparer.Ordinal);
            yield return new LayerChanges
            {
                Layer = layer,
                Changed = index.Changed.Where(node => predicate(node.Path)).ToList(),
                Removed = [.. index.Removed],
                State = state,
            };
        }
    }

    private OverlayIndex NewIndex(Func<string, bool> isWanted) => new(isWanted, MaxFileSize);

    private async Task ScanAsync(OverlayIndex index, CancellationToken cancellationToken)
    {
        foreach (var layer in Layers)
        {
            await ScanLayerAsync(index, layer, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScanLayerAsync(OverlayIndex index, ImageLayer layer, CancellationToken cancellationToken)
    {
        using var reader = await _openLayer(layer, cancellationToken).ConfigureAwait(false);
        index.BeginLayer(layer.Index);
        while (reader.Next() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            index.Apply(entry);
        }
    }

    // A symlink on the way to a requested path, such as /etc/os-release -> ../usr/lib/os-release,
    // makes its target wanted at once, so that a target later in the stream is kept this pass.
    private static void WidenThroughSymlinks(OverlayIndex index, List<string> requested, HashSet<string> wanted)
    {
        foreach (var path in requested)
        {
            try
            {
                wanted.Add(PathResolver.Resolve(path, index.ReadLink));
            }
            catch (IOException)
            {
                // A loop that later layers may still break; the final resolution reports it.
            }
        }
    }
}
