using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.References;
using Drydock.Oci.Transports;

namespace Drydock.Images.Scan;

/// <summary>
/// Finds which bottom layers of an image came from its base image: from a layer count the
/// user gives, else from the OCI annotations <c>org.opencontainers.image.base.digest</c> and
/// <c>org.opencontainers.image.base.name</c> (image-spec v1.1.0, annotations.md).
/// </summary>
/// <remarks>
/// The annotation names the base but not its layer count, so the base manifest and config are
/// read, but only from the registry the image itself came from: a scan never reaches a host the
/// user did not name. When the base cannot be read that way (another registry, an OCI layout
/// or archive without it), no split is made and a warning suggests <c>--base-layers</c>.
/// The base's diff_ids must be the image's bottom diff_ids, else the annotation is wrong and
/// is not used.
/// </remarks>
public static class BaseImageResolver
{
    public const string BaseDigestAnnotation = "org.opencontainers.image.base.digest";
    public const string BaseNameAnnotation = "org.opencontainers.image.base.name";

    /// <summary>Takes the bottom <paramref name="layerCount"/> layers as the base.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image has fewer layers.</exception>
    public static BaseImage FromLayerCount(ResolvedImage image, int layerCount)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (layerCount < 0 || layerCount > image.Layers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(layerCount), layerCount,
                $"The base layer count '{layerCount}' is outside the image's 0 to {image.Layers.Count} layers. "
                + "Give a count of bottom layers that the base image brought.");
        }

        return new BaseImage
        {
            DiffIds = image.Layers.Take(layerCount).Select(layer => layer.DiffId).ToList(),
            Origin = "--base-layers",
        };
    }

    /// <summary>
    /// Reads the base image that the image's annotations name, through
    /// <paramref name="openSource"/>, when it is in the same registry as the image.
    /// </summary>
    /// <param name="image">The scanned image.</param>
    /// <param name="location">The scanned image's location as the user gave it.</param>
    /// <param name="openSource">Opens a source for a registry reference.</param>
    /// <param name="platform">The platform to choose when the base digest names an index.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The base, or null and a warning that says why there is none; both null without annotation.</returns>
    public static async Task<(BaseImage? Base, string? Warning)> FromAnnotationsAsync(ResolvedImage image,
        string location, Func<TransportReference, IImageSource> openSource, Platform? platform,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(openSource);
        var annotations = image.ParsedManifest.Annotations;
        if (annotations?.GetValueOrDefault(BaseDigestAnnotation) is not { } digestText)
        {
            return (null, null);
        }

        var name = annotations.GetValueOrDefault(BaseNameAnnotation);
        if (!Digest.TryParse(digestText, out var digest))
        {
            return (null, $"The annotation {BaseDigestAnnotation} '{digestText}' is not a digest, so findings are "
                + "not split into base and application. Pass --base-layers N to split them.");
        }

        var reference = BaseReference(location, name, digest);
        if (reference is null)
        {
            return (null, $"The base image '{name ?? digestText}' is not in the registry the image came from, so "
                + "Drydock did not read it and findings are not split. Pass --base-layers N to split them.");
        }

        var baseDiffIds = await ReadDiffIdsAsync(openSource(reference), platform ?? PlatformOf(image.Config),
            cancellationToken).ConfigureAwait(false);
        var diffIds = image.Layers.Select(layer => layer.DiffId).ToList();
        if (baseDiffIds.Count > diffIds.Count || !baseDiffIds.SequenceEqual(diffIds.Take(baseDiffIds.Count)))
        {
            return (null, $"The base image '{reference.Image}' does not share its layers with the image, so the "
                + $"annotation {BaseDigestAnnotation} is wrong and findings are not split.");
        }

        return (new BaseImage { DiffIds = baseDiffIds, Name = name, ManifestDigest = digest, Origin = "annotation" },
            null);
    }

    // The base is read only from the scanned image's own registry: by its annotated name when that
    // names the same registry, else from the image's own repository, where builds that push
    // the base beside the image keep it.
    private static TransportReference? BaseReference(string location, string? name, Digest digest)
    {
        if (!TransportReference.TryParse(location, out var scanned) || scanned.Kind != TransportKind.Registry)
        {
            return null;
        }

        var image = scanned.Image!;
        var repository = image.Repository;
        if (name is not null && TransportReference.TryParse(name, out var named) && named.Image is { } baseImage)
        {
            if (baseImage.Registry != image.Registry)
            {
                return null;
            }

            repository = baseImage.Repository;
        }

        return TransportReference.Parse($"docker://{image.Registry}/{repository}@{digest}");
    }

    private static async Task<IReadOnlyList<Digest?>> ReadDiffIdsAsync(IImageSource source, Platform? platform,
        CancellationToken cancellationToken)
    {
        await using (source.ConfigureAwait(false))
        {
            var resolved = await ResolvedImage.LoadAsync(source, platform, cancellationToken).ConfigureAwait(false);
            return resolved.Layers.Select(layer => layer.DiffId).ToList();
        }
    }

    private static Platform? PlatformOf(ImageConfig config) =>
        config.Os is { } os && config.Architecture is { } architecture
            ? new Platform { Os = os, Architecture = architecture, Variant = config.Variant }
            : null;
}
