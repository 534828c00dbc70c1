using System.Collections.Concurrent;
using Drydock.IO;
using Drydock.Oci.Model;
using Drydock.Oci.References;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Registry;

/// <summary>
/// Writes an image to a registry repository. Blobs already present are not sent again, and a
/// blob known to be in another repository of the same registry is mounted from there. The
/// root manifest is stored under the reference's tag, or its digest when it names only one.
/// </summary>
internal sealed class RegistryDestination : IImageDestination
{
    // Each declined mount costs a round trip, so only the first few known repositories are tried.
    private const int MaxMountAttempts = 3;

    private readonly ImageReference _reference;
    private readonly RegistryRepository _repository;

    // Upload sessions that a registry opened in answer to a mount it declined, by blob, for the
    // upload that follows.
    private readonly ConcurrentDictionary<Digest, UploadSession> _sessions = new();

    public RegistryDestination(ImageReference reference, RegistryRepository repository)
    {
        _reference = reference;
        _repository = repository;
    }

    public string Name => _reference.ToString();

    private KnownBlobs KnownBlobs => _repository.Client.KnownBlobs;

    /// <summary>
    /// Returns whether the blob is present, after mounting it from another repository of the
    /// same registry that this process saw containing it (distribution spec v1.1, "Mounting a
    /// blob from another repository"), so that it need not be sent.
    /// </summary>
    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (await _repository.BlobExistsAsync(descriptor, cancellationToken).ConfigureAwait(false))
        {
            KnownBlobs.Add(descriptor.Digest, _repository.Repository);
            return true;
        }

        var candidates = KnownBlobs.RepositoriesWith(descriptor.Digest, _repository.Repository);
        foreach (var from in candidates.Take(MaxMountAttempts))
        {
            var result = await _repository.MountBlobAsync(descriptor, from, cancellationToken).ConfigureAwait(false);
            if (result.Mounted)
            {
                KnownBlobs.Add(descriptor.Digest, _repository.Repository);
                return true;
            }

            if (result.Session is { } session)
            {
                _sessions[descriptor.Digest] = session;
                break;
            }
        }

        return false;
    }

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken)
    {
        // The content is verified while it is sent. A seekable source is rewound and sent
        // again when an attempt fails; any other source is sent once.
        var start = content.CanSeek ? content.Position : 0;
        _sessions.TryRemove(descriptor.Digest, out var session);
        await _repository.PushBlobAsync(
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
            session,
            cancellationToken).ConfigureAwait(false);
        KnownBlobs.Add(descriptor.Digest, _repository.Repository);
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
