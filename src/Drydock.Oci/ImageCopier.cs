using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Oci;

/// <summary>What <see cref="ImageCopier"/> copies.</summary>
public sealed record CopyOptions
{
    /// <summary>The platform taken from an index; the host's when null.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Copies an index with every platform's image instead of one platform.</summary>
    public bool AllPlatforms { get; init; }
}

/// <summary>
/// Copies an image from a source to a destination: blobs the destination lacks, then
/// manifests as the exact bytes read, so digests never change, then a commit. Without
/// <see cref="CopyOptions.AllPlatforms"/>, an index is narrowed to one platform's manifest.
/// </summary>
public sealed partial class ImageCopier
{
    private readonly ILogger _logger;

    public ImageCopier(ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Copies the image and returns the manifest or index written as the root.</summary>
    public async Task<RawManifest> CopyAsync(IImageSource source, IImageDestination destination,
        CopyOptions options, CancellationToken cancellationToken)
    {
        var root = await source.GetManifestAsync(cancellationToken).ConfigureAwait(false);
        if (root.IsIndex && options.AllPlatforms)
        {
            foreach (var child in root.ParseIndex().Manifests)
            {
                var manifest = await source.GetManifestAsync(child, cancellationToken).ConfigureAwait(false);
                await CopyImageAsync(source, destination, manifest, cancellationToken).ConfigureAwait(false);
                await destination.PutManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (root.IsIndex)
        {
            root = await SelectPlatformAsync(source, root, options.Platform ?? Platform.Host, cancellationToken)
                .ConfigureAwait(false);
            await CopyImageAsync(source, destination, root, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CopyImageAsync(source, destination, root, cancellationToken).ConfigureAwait(false);
        }

        await destination.PutRootManifestAsync(root, cancellationToken).ConfigureAwait(false);
        await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogCopied(source.Name, destination.Name, root.Digest.ToString());
        return root;
    }

    private async Task CopyImageAsync(IImageSource source, IImageDestination destination, RawManifest manifest,
        CancellationToken cancellationToken)
    {
        if (manifest.IsIndex)
        {
            throw new NotSupportedException(
                $"Image '{source.Name}' nests an index inside an index, which Drydock does not copy.");
        }

        var parsed = manifest.ParseManifest();
        foreach (var blob in parsed.Layers.Prepend(parsed.Config))
        {
            if (await destination.HasBlobAsync(blob, cancellationToken).ConfigureAwait(false))
            {
                LogBlobPresent(blob.Digest.ToString());
                continue;
            }

            var content = await source.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
            await using (content.ConfigureAwait(false))
            {
                await destination.PutBlobAsync(blob, content, cancellationToken).ConfigureAwait(false);
            }

            LogBlobCopied(blob.Digest.ToString(), blob.Size);
        }
    }

    private static async Task<RawManifest> SelectPlatformAsync(IImageSource source, RawManifest index,
        Platform platform, CancellationToken cancellationToken)
    {
        var manifests = index.ParseIndex().Manifests;
        var match = manifests.FirstOrDefault(m => m.Platform is { } p && platform.Accepts(p))
            ?? throw new InvalidDataException(
                $"Image '{source.Name}' has no manifest for platform '{platform}'. Available: "
                + string.Join(", ", manifests.Select(m => $"'{m.Platform}'"))
                + ". Choose one with --platform, or copy them all with --all-platforms.");
        return await source.GetManifestAsync(match, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Blob {Digest} is already present")]
    private partial void LogBlobPresent(string digest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied blob {Digest} ({Size} bytes)")]
    private partial void LogBlobCopied(string digest, long size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Source} to {Destination} as {Digest}")]
    private partial void LogCopied(string source, string destination, string digest);
}
