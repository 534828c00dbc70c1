using Drydock.Oci.Model;

namespace Drydock.Oci.Transports;

/// <summary>Finds the single-platform manifest that a source's reference stands for.</summary>
public static class ManifestResolver
{
    /// <summary>
    /// Fetches the source's manifest and, when it is an index, the manifest of
    /// <paramref name="platform"/> in it (the host's when null), following nested indexes.
    /// </summary>
    /// <returns>The root as fetched, and the single-platform manifest.</returns>
    public static async Task<(RawManifest Root, RawManifest Image)> ResolveAsync(
        IImageSource source, Platform? platform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var root = await source.GetManifestAsync(cancellationToken).ConfigureAwait(false);
        var image = root.IsIndex
            ? await SelectPlatformAsync(source, root, platform ?? Platform.Host, cancellationToken).ConfigureAwait(false)
            : root;
        return (root, image);
    }

    /// <summary>
    /// Picks the manifest for <paramref name="platform"/> from an index: an exact variant match
    /// first, else the first entry that <see cref="Platform.Accepts"/> allows.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The index has no manifest for the platform.</exception>
    public static async Task<RawManifest> SelectPlatformAsync(
        IImageSource source, RawManifest index, Platform platform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(platform);

        // Indexes may nest; a few levels is plenty, and the bound stops reference cycles.
        const int maxDepth = 4;
        var current = index;
        for (var depth = 0; current.IsIndex; depth++)
        {
            if (depth == maxDepth)
            {
                throw new InvalidDataException(
                    $"Image index '{index.Digest}' of '{source.Name}' nests more than {maxDepth} levels deep.");
            }

            var entries = current.ParseIndex().Manifests;
            var chosen = Choose(entries, platform) ?? throw NoMatch(source, current, entries, platform);
            current = await source.GetManifestAsync(chosen, cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    private static Descriptor? Choose(IReadOnlyList<Descriptor> entries, Platform platform)
    {
        var candidates = entries.Where(e => e.Platform is not null && platform.Accepts(e.Platform)).ToList();
        return candidates.FirstOrDefault(e => e.Platform!.Variant == platform.Variant)
            ?? candidates.FirstOrDefault()
            ?? entries.FirstOrDefault(e => e.Platform is null && MediaTypes.IsIndex(e.MediaType));
    }

    private static KeyNotFoundException NoMatch(
        IImageSource source, RawManifest index, IReadOnlyList<Descriptor> entries, Platform platform)
    {
        var available = entries.Where(e => e.Platform is not null).Select(e => e.Platform!.ToString()).Distinct();
        return new KeyNotFoundException(
            $"Image index '{index.Digest}' of '{source.Name}' has no manifest for platform '{platform}'. "
            + $"Available: {string.Join(", ", available)}. Choose one with --platform, or use --all-platforms.");
    }
}
