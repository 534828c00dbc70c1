using Drydock.Oci.Layers;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Inventory;

/// <summary>The installed packages of an image, each with its layer, and what was wrong reading them.</summary>
public sealed class ImageInventoryResult
{
    /// <summary>The image's layers from the bottom one up.</summary>
    public required IReadOnlyList<ImageLayer> Layers { get; init; }

    /// <summary>The installed packages of the flattened image, in the order of each database.</summary>
    public required IReadOnlyList<ImagePackage> Packages { get; init; }

    /// <summary>Malformed records of the flattened image's databases that were skipped or read in part.</summary>
    public required IReadOnlyList<PackageDiagnostic> Diagnostics { get; init; }

    /// <summary>Absolute paths inside the image of the database files that were read.</summary>
    public required IReadOnlyList<string> Databases { get; init; }

    /// <summary>
    /// The text of the release files of the flattened image (<c>/etc/os-release</c> and the
    /// like), keyed by absolute path, for distribution detection.
    /// </summary>
    public required IReadOnlyDictionary<string, string> ReleaseFiles { get; init; }
}
