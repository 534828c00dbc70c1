using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Packages.Inventory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Images.Inventory;

/// <summary>
/// Lists the installed packages of an image with the layer that introduced each one, in one
/// pass over the layers. Only the package databases and release files are kept in memory;
/// nothing is extracted to disk.
/// </summary>
public static partial class ImageInventory
{
    /// <summary>Reads the packages of a resolved image.</summary>
    /// <exception cref="InvalidDataException">
    /// The flattened image's package database is malformed as a whole; the message names the file.
    /// </exception>
    public static Task<ImageInventoryResult> ReadAsync(
        ResolvedImage image, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ReadAsync(new ImageFileSystem(image), logger, cancellationToken);
    }

    /// <summary>Reads the packages of an image's file-system view.</summary>
    /// <exception cref="InvalidDataException">
    /// The flattened image's package database is malformed as a whole; the message names the file.
    /// </exception>
    public static async Task<ImageInventoryResult> ReadAsync(
        ImageFileSystem view, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        logger ??= NullLogger.Instance;

        var attribution = new LayerAttribution();
        PackageInventoryResult? current = null;
        SnapshotRootFileSystem? root = null;
        var changes = view.ReadLayerChangesAsync(PackageDatabasePaths.IsSelected, cancellationToken);
        await foreach (var layer in changes.ConfigureAwait(false))
        {
            root = new SnapshotRootFileSystem(layer.State);
            if (current is not null && !TouchesDatabase(layer))
            {
                continue;
            }

            var isTop = layer.Layer.Index == view.Layers.Count - 1;
            current = ReadState(root, layer.Layer, isTop, logger);
            attribution.Apply(layer.Layer.Index, current.Packages);
            LogLayerRead(logger, layer.Layer.Index, current.Packages.Count);
        }

        return BuildResult(view.Layers, current, root, attribution);
    }

    // A new symbolic link on the way, such as var/lib/rpm -> ../../usr/lib/sysimage/rpm, may
    // point the database paths elsewhere, so it calls for a new reading as well.
    private static bool TouchesDatabase(LayerChanges layer) =>
        layer.Changed.Any(file => PackageDatabasePaths.IsDatabase(file.Path) || file.Kind == LayerEntryKind.Symlink)
        || layer.Removed.Any(PackageDatabasePaths.IsDatabase);

    // Only the flattened image's database must be well formed: a broken state in a lower layer
    // that an upper layer replaced is logged, and the packages after it count as new.
    private static PackageInventoryResult ReadState(
        SnapshotRootFileSystem root, ImageLayer layer, bool isTop, ILogger logger)
    {
        try
        {
            return PackageInventory.Read(root, logger: isTop ? logger : NullLogger.Instance);
        }
        catch (InvalidDataException exception) when (!isTop)
        {
            LogLowerDatabaseMalformed(logger, layer.Index, exception.Message);
            return new PackageInventoryResult();
        }
    }

    private static ImageInventoryResult BuildResult(
        IReadOnlyList<ImageLayer> layers,
        PackageInventoryResult? current,
        SnapshotRootFileSystem? root,
        LayerAttribution attribution)
    {
        var packages = (current?.Packages ?? [])
            .Select(package =>
            {
                var index = attribution.LayerOf(package);
                return new ImagePackage(package, index, layers[index].DiffId);
            })
            .ToList();
        return new ImageInventoryResult
        {
            Layers = layers,
            Packages = packages,
            Diagnostics = current?.Diagnostics ?? [],
            Databases = current?.Databases ?? [],
            ReleaseFiles = root is null ? new Dictionary<string, string>() : ReadReleaseFiles(root),
        };
    }

    private static Dictionary<string, string> ReadReleaseFiles(SnapshotRootFileSystem root)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in root.List("/etc").Append("/usr/lib/os-release"))
        {
            if (root.ReadText(path) is { } text)
            {
                files[path] = text;
            }
        }

        return files;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Layer {LayerIndex}: the package databases list {PackageCount} packages")]
    private static partial void LogLayerRead(ILogger logger, int layerIndex, int packageCount);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The package database after layer {LayerIndex} is malformed and an upper layer replaced it: {Reason}")]
    private static partial void LogLowerDatabaseMalformed(ILogger logger, int layerIndex, string reason);
}
