using Drydock.IO;
using Drydock.Oci.Model;
using Drydock.Oci.References;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Registry;

/// <summary>
/// Writes an image to a registry repository. Blobs already present are not sent again; the
/// root manifest is stored under the reference's tag, or its digest when it names only one.
/// </summary>
internal sealed class RegistryDestination : IImageDestination
{
    private readonly ImageReference _reference;
    private readonly RegistryRepository _repository;

    public RegistryDestination(ImageReference reference, RegistryRepository repository)
    {
        _reference = reference;
        _repository = repository;
    }

    public string Name => _reference.ToString();

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        _repository.BlobExistsAsync(descriptor, cancellationToken);

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken)
    {
        // The content is verified while it is sent. A seekable source is rewound and sent
        // again when an attempt fails; any other source is sent once.
        var start = content.CanSeek ? content.Position : 0;
        return _repository.PushBlobAsync(
            descriptor,
            () =>
            {
                if (content.CanSeek)
                {
                    content.Position = start;
                }

                // Content that verifies itself against this descriptor needs no second hash.
                return content is VerifyingStream own && own.Verifies(descriptor)
                    ? new NonDisposingStream(content)
                    : new VerifyingStream(new NonDisposingStream(content), descriptor, Name);
            },
            replayable: content.CanSeek,
            cancellationToken);
    }

    public Task PutManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
        _repository.PushManifestAsync(manifest, manifest.Digest.ToString(), cancellationToken);

    public async Task PutRootManifestAsync(RawManifest manifest, CancellationToken cancellationToken)
    {
        if (_reference.Digest is { } digest && digest != manifest.Digest)
        {
            throw new InvalidOperationException(
                $"Destination '{Name}' names digest '{digest}', but the image to write has digest "
                + $"'{manifest.Digest}'. Remove the digest from the destination or give the matching one.");
        }

        if (_reference.Tag is null && _reference.Digest is not null)
        {
            await PutManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _repository.PushManifestAsync(manifest, _reference.Tag ?? "latest", cancellationToken)
            .ConfigureAwait(false);
    }

    public Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
