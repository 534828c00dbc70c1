using System.Text;
using System.Text.Json.Nodes;
using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Images.Patch;

/// <summary>
/// Patches every platform of a multi-platform index that needs it and copies the others byte
/// for byte. The index written differs from the original only in the digests and sizes of the
/// patched children, so its annotations and the children's stay.
/// </summary>
internal sealed class IndexPatcher(ImagePatcher patcher)
{
    public async Task<PatchResult> PatchAsync(
        IImageSource source,
        IImageDestination destination,
        RawManifest root,
        PatchOptions options,
        CancellationToken cancellationToken)
    {
        var index = root.ParseIndex();
        var json = JsonNode.Parse(root.Bytes.Span)!.AsObject();
        var entries = json["manifests"]!.AsArray();
        var platforms = new List<PlatformPatch>();
        var manifests = new RawManifest?[index.Manifests.Count];
        var byDigest = new Dictionary<Digest, (PatchResult Result, RawManifest? Manifest)>();
        for (var i = 0; i < index.Manifests.Count; i++)
        {
            var child = index.Manifests[i];
            if (!IsImage(child))
            {
                continue;
            }

            // Children are identified by digest, since several may share a platform (variants,
            // os.features or plainly two builds); a child listed twice is patched once.
            if (!byDigest.TryGetValue(child.Digest, out var patched))
            {
                patched = await PatchChildAsync(source, destination, child, options, cancellationToken)
                    .ConfigureAwait(false);
                byDigest[child.Digest] = patched;
            }

            platforms.Add(new PlatformPatch(child.Platform!, patched.Result));
            manifests[i] = patched.Manifest;
        }

        // Children are written only once one platform needed a patch, so a run that patches
        // nothing writes nothing.
        var summary = Summarise(root.Digest, platforms);
        if (manifests.All(m => m is null))
        {
            return await ImagePatcher.CopyUnchangedAsync(source, destination, summary, options, cancellationToken)
                .ConfigureAwait(false);
        }

        for (var i = 0; i < index.Manifests.Count; i++)
        {
            if (manifests[i] is { } manifest)
            {
                await destination.PutManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
                entries[i]!["digest"] = manifest.Digest.ToString();
                entries[i]!["size"] = manifest.Bytes.Length;
            }
            else
            {
                await CopyChildAsync(source, destination, index.Manifests[i], cancellationToken).ConfigureAwait(false);
            }
        }

        var written = new RawManifest(Encoding.UTF8.GetBytes(json.ToJsonString(OciJson.Options)), root.MediaType);
        await destination.PutRootManifestAsync(written, cancellationToken).ConfigureAwait(false);
        await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        return summary with { ManifestDigest = written.Digest };
    }

    // Attestation manifests that BuildKit lists with the platform unknown/unknown are copied.
    private static bool IsImage(Descriptor child) =>
        MediaTypes.IsManifest(child.MediaType) && child.Platform is { Os: not "unknown" };

    private async Task<(PatchResult Result, RawManifest? Manifest)> PatchChildAsync(
        IImageSource source,
        IImageDestination destination,
        Descriptor child,
        PatchOptions options,
        CancellationToken cancellationToken)
    {
        var image = await ResolvedImage.LoadChildAsync(source, child, cancellationToken).ConfigureAwait(false);
        return await patcher.PatchImageAsync(source, destination, image, options, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyChildAsync(
        IImageSource source, IImageDestination destination, Descriptor child, CancellationToken cancellationToken)
    {
        var manifest = await source.GetManifestAsync(child, cancellationToken).ConfigureAwait(false);
        if (!MediaTypes.IsManifest(manifest.MediaType))
        {
            throw new NotSupportedException(
                $"The index '{source.Name}' lists '{child.Digest}' of media type '{manifest.MediaType}', "
                + "and nested indexes are not patched. Patch the nested index by its digest.");
        }

        var parsed = manifest.ParseManifest();
        foreach (var blob in parsed.Layers.Prepend(parsed.Config))
        {
            if (!await destination.HasBlobAsync(blob, cancellationToken).ConfigureAwait(false))
            {
                await using var content = await source.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
                await destination.PutBlobAsync(blob, content, cancellationToken).ConfigureAwait(false);
            }
        }

        await destination.PutManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
    }

    // A child listed twice shares one result, which counts once.
    private static PatchResult Summarise(Digest indexDigest, List<PlatformPatch> platforms)
    {
        var results = platforms.Select(p => p.Result).Distinct(ReferenceEqualityComparer.Instance)
            .Cast<PatchResult>().ToList();
        return new PatchResult
        {
            BaseDigest = indexDigest,
            Packages = [.. results.SelectMany(r => r.Packages)],
            KeptBack = [.. results.SelectMany(r => r.KeptBack)],
            ScriptsNotRun = [.. results.SelectMany(r => r.ScriptsNotRun).Distinct()],
            ScriptsReplaced = [.. results.SelectMany(r => r.ScriptsReplaced).Distinct()],
            DpkgDistFiles = [.. results.SelectMany(r => r.DpkgDistFiles).Distinct()],
            KeptDirectories = [.. results.SelectMany(r => r.KeptDirectories).Distinct()],
            Unreached = [.. results.SelectMany(r => r.Unreached).Distinct()],
            Fixed = [.. results.SelectMany(r => r.Fixed).Distinct().Order()],
            Distribution = results.Select(r => r.Distribution).FirstOrDefault(d => d is not null),
            ReplacedPreviousPatch = results.Any(r => r.ReplacedPreviousPatch),
            Platforms = platforms,
        };
    }
}
