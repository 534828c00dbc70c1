using Drydock.Oci.Model;

namespace Drydock.Oci.Writing;

/// <summary>Builds image manifests and indexes as the bytes that will be stored and sent.</summary>
public static class ManifestBuilder
{
    /// <summary>Creates an OCI image manifest for a config and its layers.</summary>
    public static RawManifest CreateManifest(ReadOnlySpan<byte> config, IReadOnlyList<Descriptor> layers,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor
            {
                MediaType = MediaTypes.OciConfig,
                Digest = Digest.Compute(config),
                Size = config.Length,
            },
            Layers = layers,
            Annotations = annotations,
        };
        return new RawManifest(OciJson.Serialize(manifest), MediaTypes.OciManifest);
    }

    /// <summary>Creates an OCI image index over per-platform manifests.</summary>
    public static RawManifest CreateIndex(IEnumerable<(RawManifest Manifest, Platform Platform)> manifests)
    {
        var index = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = manifests.Select(m => m.Manifest.ToDescriptor(m.Platform)).ToList(),
        };
        return new RawManifest(OciJson.Serialize(index), MediaTypes.OciIndex);
    }
}
