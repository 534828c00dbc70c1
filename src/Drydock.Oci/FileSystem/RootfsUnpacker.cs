using Drydock.Oci.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Oci.FileSystem;

/// <summary>
/// Writes the flattened root file system of an image into a new directory, as
/// <c>umoci unpack</c> writes its rootfs and <c>crane export</c> its tar: layers applied in order
/// with OCI whiteouts, modes, owners (when running as root), symlinks, hard links and times
/// kept. Everything goes into a temporary directory next to the destination, renamed into place
/// only when every layer was read and verified, so a failure leaves nothing behind.
/// </summary>
public sealed partial class RootfsUnpacker
{
    private readonly ILogger _logger;

    public RootfsUnpacker(ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Limits applied to every layer; the defaults when null.</summary>
    public LayerLimits? Limits { get; init; }

    /// <summary>
    /// Whether owners and device nodes are written: by default only when running as root, as
    /// <c>umoci unpack --rootless</c> does otherwise.
    /// </summary>
    public bool PreserveOwnership { get; init; } = NativeMethods.IsRoot;

    /// <summary>
    /// Unpacks an image into <paramref name="destination"/>, which must not exist or be an
    /// empty directory.
    /// </summary>
    public Task UnpackAsync(ResolvedImage image, string destination, CancellationToken cancellationToken) =>
        UnpackAsync(image.Layers, (layer, token) => image.OpenLayerAsync(layer, Limits, token), destination,
            cancellationToken);

    /// <summary>Unpacks layers, from the bottom one up, opened by <paramref name="openLayer"/>.</summary>
    public async Task UnpackAsync(IReadOnlyList<ImageLayer> layers,
        Func<ImageLayer, CancellationToken, Task<LayerReader>> openLayer, string destination,
        CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unpacking a root file system needs Linux file modes.");
        }

        var target = Path.GetFullPath(destination).TrimEnd('/');
        CheckDestination(target);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.drydock-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            var tree = new RootfsWriter(temporary, PreserveOwnership);
            foreach (var layer in layers)
            {
                LogLayer(layer.Index, layer.Descriptor.Digest.ToString());
                using var reader = await openLayer(layer, cancellationToken).ConfigureAwait(false);
                tree.ApplyLayer(reader, cancellationToken);
            }

            tree.Finish();
            NativeMethods.Rename(temporary, target);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    private static void CheckDestination(string target)
    {
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new IOException(
                $"Destination '{target}' exists and is not an empty directory. Choose a new directory "
                + "or remove it first.");
        }
    }

    private void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException e)
        {
            LogCleanupFailed(path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            LogCleanupFailed(path, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unpacking layer {Index} ({Digest})")]
    private partial void LogLayer(int index, string digest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the temporary directory {Path}: {Error}")]
    private partial void LogCleanupFailed(string path, string error);
}
