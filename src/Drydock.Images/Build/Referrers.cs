using System.Globalization;
using System.Net;
using Drydock.Oci;
using Drydock.Oci.Model;
using Drydock.Oci.References;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;

namespace Drydock.Images.Build;

/// <summary>A document to attach to an image manifest, such as an SBOM.</summary>
public sealed record Referrer(RawManifest Subject, string ArtifactType, byte[] Content, DateTimeOffset Created);

/// <summary>
/// Attaches documents to images as OCI referrers (image-spec 1.1, "Guidelines for Artifact
/// Usage"): a manifest with the document's <c>artifactType</c>, the empty config, the document
/// as its one layer and the image manifest as its <c>subject</c>.
/// </summary>
/// <remarks>
/// In an OCI layout the referrer is an untagged entry of index.json, as oras writes it. In a
/// registry it is pushed by digest, and for registries without the referrers API
/// (distribution-spec 1.1, "Referrers Tag Schema") an index of the referrers is pushed under the
/// tag <c>sha256-HEX</c> of the subject. That index is read first and extended, as the
/// specification asks ("Pushing Manifests with Subject"), so referrers other tools pushed under
/// the tag stay listed; a tag that holds something other than an index is refused.
/// </remarks>
public static class Referrers
{
    private static readonly byte[] _emptyConfig = "{}"u8.ToArray();

    /// <summary>Writes <paramref name="referrers"/> to the layout or registry that <paramref name="output"/> names.</summary>
    /// <exception cref="NotSupportedException">The output is an archive, which cannot contain referrers here.</exception>
    public static async Task<IReadOnlyList<RawManifest>> AttachAsync(string output,
        IReadOnlyList<Referrer> referrers, ImageTransportOptions transport, CancellationToken cancellationToken)
    {
        var location = TransportReference.Parse(output);
        var manifests = referrers.Select(r => (Referrer: r, Manifest: Create(r))).ToList();
        foreach (var (referrer, manifest) in manifests)
        {
            var target = location.Kind switch
            {
                TransportKind.OciLayout => "oci:" + location.Path,
                TransportKind.Registry => ByDigest(location.Image!, manifest.Digest),
                _ => throw new NotSupportedException(
                    $"The output '{output}' is an archive; referrers are attached in OCI layouts and registries only."),
            };
            await WriteAsync(target, transport, manifest, referrer.Content, cancellationToken).ConfigureAwait(false);
        }

        if (location.Kind == TransportKind.Registry)
        {
            foreach (var subject in manifests.GroupBy(m => m.Referrer.Subject.Digest))
            {
                var tag = location.Image!.WithTag($"{subject.Key.Algorithm}-{subject.Key.Hex}").ToString();
                var listed = await ReadReferrersTagAsync(tag, transport, cancellationToken).ConfigureAwait(false);
                var added = subject.Select(m => m.Manifest.ToDescriptor() with
                {
                    ArtifactType = m.Referrer.ArtifactType,
                });
                var index = new ImageIndex
                {
                    MediaType = MediaTypes.OciIndex,
                    Manifests = listed.Concat(added).DistinctBy(d => d.Digest).ToList(),
                };
                var destination = ImageTransports.OpenDestination(tag, transport);
                await using (destination.ConfigureAwait(false))
                {
                    await destination.PutRootManifestAsync(
                        new RawManifest(OciJson.Serialize(index), MediaTypes.OciIndex), cancellationToken)
                        .ConfigureAwait(false);
                    await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return manifests.Select(m => m.Manifest).ToList();
    }

    private static RawManifest Create(Referrer referrer)
    {
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            ArtifactType = referrer.ArtifactType,
            Config = new Descriptor
            {
                MediaType = MediaTypes.OciEmpty,
                Digest = Digest.Compute(_emptyConfig),
                Size = _emptyConfig.Length,
            },
            Layers =
            [
                new Descriptor
                {
                    MediaType = referrer.ArtifactType,
                    Digest = Digest.Compute(referrer.Content),
                    Size = referrer.Content.Length,
                },
            ],
            Subject = referrer.Subject.ToDescriptor(),
            Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["org.opencontainers.image.created"] = referrer.Created.UtcDateTime.ToString(
                    "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        };
        return new RawManifest(OciJson.Serialize(manifest), MediaTypes.OciManifest);
    }

    private static async Task WriteAsync(string target, ImageTransportOptions transport, RawManifest manifest,
        byte[] content, CancellationToken cancellationToken)
    {
        var parsed = manifest.ParseManifest();
        var destination = ImageTransports.OpenDestination(target, transport);
        await using (destination.ConfigureAwait(false))
        {
            foreach (var (descriptor, bytes) in new[] { (parsed.Config, _emptyConfig), (parsed.Layers[0], content) })
            {
                if (!await destination.HasBlobAsync(descriptor, cancellationToken).ConfigureAwait(false))
                {
                    await destination.PutBlobAsync(descriptor, new MemoryStream(bytes, writable: false),
                        cancellationToken).ConfigureAwait(false);
                }
            }

            await destination.PutRootManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
            await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the referrers already listed under the fallback tag: none when the tag does not
    /// exist, and a refusal when it names something other than an image index.
    /// </summary>
    private static async Task<IReadOnlyList<Descriptor>> ReadReferrersTagAsync(string tag,
        ImageTransportOptions transport, CancellationToken cancellationToken)
    {
        var source = ImageTransports.OpenSource(tag, transport);
        await using (source.ConfigureAwait(false))
        {
            RawManifest existing;
            try
            {
                existing = await source.GetManifestAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException error) when (error.StatusCode == HttpStatusCode.NotFound)
            {
                return [];
            }

            if (existing.MediaType != MediaTypes.OciIndex)
            {
                throw new InvalidDataException(
                    $"The referrers tag '{tag}' holds a '{existing.MediaType}', not an OCI image index; " +
                    "remove or rename that tag so the referrers can be listed under it.");
            }

            return existing.ParseIndex().Manifests;
        }
    }

    private static string ByDigest(ImageReference image, Digest digest) =>
        $"{image.Registry}/{image.Repository}@{digest}";
}
