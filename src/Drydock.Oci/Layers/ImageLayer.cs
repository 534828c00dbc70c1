using Drydock.Oci.Model;

namespace Drydock.Oci.Layers;

/// <summary>
/// One layer of an image: its descriptor in the manifest, its uncompressed digest from the
/// config, and the image it belongs to, for error messages.
/// </summary>
/// <param name="ImageName">The image as the user named it.</param>
/// <param name="Index">The position of the layer, 0 for the bottom one.</param>
/// <param name="Descriptor">The manifest's descriptor of the compressed blob.</param>
/// <param name="DiffId">The config's <c>rootfs.diff_ids</c> entry, null when not known.</param>
public sealed record ImageLayer(string ImageName, int Index, Descriptor Descriptor, Digest? DiffId);
