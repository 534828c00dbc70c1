using Drydock.Oci;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Inventory;

/// <summary>An installed package of an image with the layer that introduced its installed version.</summary>
/// <param name="Package">The package as its database lists it in the flattened image.</param>
/// <param name="LayerIndex">The position of that layer, 0 for the bottom one.</param>
/// <param name="LayerDiffId">The layer's diff_id, or null when the image does not record it.</param>
public sealed record ImagePackage(InstalledPackage Package, int LayerIndex, Digest? LayerDiffId);
