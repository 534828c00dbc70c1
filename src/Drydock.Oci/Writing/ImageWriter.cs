using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Writing;

/// <summary>A layer blob ready to be written: its description and a way to open its bytes.</summary>
public sealed record LayerBlob(BuiltLayer Layer, Func<Stream> Open);

/// <summary>Writes a single-platform image, config, layers and manifest, to any destination.</summary>
public static class ImageWriter
{
    /// <summary>
    /// Writes the blobs the destination lacks, then the manifest under the destination's tag,
    /// then commits. Returns the manifest.
    /// </summary>
    public static async Task<RawManifest> WriteAsync(IImageDestination destination, byte[] config,
        IReadOnlyList<LayerBlob> layers, CancellationToken cancellationToken)
    {
        var manifest = ManifestBuilder.CreateManifest(config, layers.Select(l => l.Layer.Descriptor).ToList());
        var parsed = manifest.ParseManifest();
        await PutAsync(destination, parsed.Config, () => new MemoryStream(config, writable: false), cancellationToken)
            .ConfigureAwait(false);
        foreach (var layer in layers)
        {
            await PutAsync(destination, layer.Layer.Descriptor, layer.Open, cancellationToken).ConfigureAwait(false);
        }

        await destination.PutRootManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    private static async Task PutAsync(IImageDestination destination, Descriptor descriptor, Func<Stream> open,
        CancellationToken cancellationToken)
    {
        if (await destination.HasBlobAsync(descriptor, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var content = open();
        await using (content.ConfigureAwait(false))
        {
            await destination.PutBlobAsync(descriptor, content, cancellationToken).ConfigureAwait(false);
        }
    }
}
