using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;

namespace Drydock.Images.Patch;

/// <summary>
/// Reads a written patch layer through Drydock's own layer reader before any blob reaches the
/// destination, so a layer that scan, sbom or a later patch would reject is never pushed.
/// </summary>
internal static class PatchLayerReadBack
{
    /// <exception cref="LayerException">The reader rejects an entry of the layer.</exception>
    public static void Verify(PatchLayer layer, CancellationToken cancellationToken)
    {
        var descriptor = new Descriptor
        {
            MediaType = MediaTypes.OciLayerGzip,
            Digest = layer.Digest,
            Size = layer.Size,
        };
        using var reader = LayerReader.Open(
            File.OpenRead(layer.FilePath), new ImageLayer("patch layer", 0, descriptor, layer.DiffId));
        while (reader.Next() is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
