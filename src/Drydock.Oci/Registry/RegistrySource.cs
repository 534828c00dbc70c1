using Drydock.Oci.Cache;
using Drydock.Oci.Model;
using Drydock.Oci.References;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Registry;

/// <summary>
/// Reads an image from a registry repository. Blobs are read through the blob cache when one
/// is given: a cached blob is not fetched again, and a fetched one is cached as it is read.
/// </summary>
internal sealed class RegistrySource : IImageSource
{
    private readonly ImageReference _reference;
    private readonly RegistryRepository _repository;
    private readonly BlobCache? _cache;

    public RegistrySource(ImageReference reference, RegistryRepository repository, BlobCache? cache)
    {
        _reference = reference;
        _repository = repository;
        _cache = cache;
    }

    public string Name => _reference.ToString();

    public async Task<RawManifest> GetManifestAsync(CancellationToken cancellationToken)
    {
        var manifest = await _repository.FetchManifestAsync(_reference.ManifestReference, cancellationToken)
            .ConfigureAwait(false);
        RememberBlobs(manifest);
        return manifest;
    }

    public async Task<RawManifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        var manifest = await _repository.FetchManifestAsync(descriptor.Digest.ToString(), cancellationToken)
            .ConfigureAwait(false);
        if (manifest.Bytes.Length != descriptor.Size)
        {
            throw new DigestMismatchException(
                $"Manifest '{descriptor.Digest}' of '{Name}' is {manifest.Bytes.Length} bytes, but the index "
                + $"declares {descriptor.Size}. The registry is corrupt or not trustworthy.");
        }

        RememberBlobs(manifest);
        return manifest;
    }

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (_cache?.TryOpen(descriptor) is { } cached)
        {
            return cached;
        }

        var network = await _repository.FetchBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        var verifying = new VerifyingStream(network, descriptor, Name);
        return _cache is null ? verifying : _cache.WriteThrough(descriptor, verifying);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // A registry accepts a manifest only when the repository holds every blob it names, so
    // these blobs can be mounted from this repository into another one of the same registry.
    private void RememberBlobs(RawManifest manifest)
    {
        if (manifest.IsIndex)
        {
            return;
        }

        ImageManifest image;
        try
        {
            image = manifest.ParseManifest();
        }
        catch (InvalidDataException)
        {
            // The caller that uses the manifest reports what is wrong with it.
            return;
        }

        var known = _repository.Client.KnownBlobs;
        foreach (var blob in image.Layers.Prepend(image.Config))
        {
            known.Add(blob.Digest, _repository.Repository);
        }
    }
}
