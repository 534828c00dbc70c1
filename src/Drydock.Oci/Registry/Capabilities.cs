using Drydock.Oci.Model;

namespace Drydock.Oci.Registry;

// Small capability interfaces over one repository, so that further ways of moving content
// (referrers, resumed downloads) can be added as interfaces of their own beside these without
// changing the callers of the existing ones.

/// <summary>Reads manifests and indexes by tag or digest.</summary>
internal interface IManifestFetcher
{
    Task<RawManifest> FetchManifestAsync(string reference, CancellationToken cancellationToken);
}

/// <summary>Stores a manifest or index under a tag or its digest, as the exact bytes given.</summary>
internal interface IManifestPusher
{
    Task PushManifestAsync(RawManifest manifest, string reference, CancellationToken cancellationToken);
}

/// <summary>Tells whether a blob is present.</summary>
internal interface IBlobChecker
{
    Task<bool> BlobExistsAsync(Descriptor descriptor, CancellationToken cancellationToken);
}

/// <summary>Opens a blob for streaming. The stream is not verified; callers wrap it.</summary>
internal interface IBlobFetcher
{
    Task<Stream> FetchBlobAsync(Descriptor descriptor, CancellationToken cancellationToken);
}

/// <summary>Uploads a blob, in one request or in chunks.</summary>
internal interface IBlobPusher
{
    /// <param name="descriptor">The blob's digest and size.</param>
    /// <param name="openContent">Opens the content from its start, once per attempt.</param>
    /// <param name="replayable">Whether <paramref name="openContent"/> may be called more than once.</param>
    /// <param name="session">An upload session already opened, such as one a refused mount returned.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    Task PushBlobAsync(
        Descriptor descriptor,
        Func<Stream> openContent,
        bool replayable,
        UploadSession? session,
        CancellationToken cancellationToken);
}

/// <summary>Makes a blob of another repository of the same registry present without sending it.</summary>
internal interface IBlobMounter
{
    /// <summary>
    /// Asks the registry to mount the blob from <paramref name="fromRepository"/>. When the
    /// registry declines, the result may carry the upload session it opened instead.
    /// </summary>
    Task<MountResult> MountBlobAsync(
        Descriptor descriptor, string fromRepository, CancellationToken cancellationToken);
}

/// <summary>An open upload: where to send the content, and the smallest chunk the registry takes.</summary>
internal sealed record UploadSession(Uri Location, long MinChunkSize);

/// <summary>
/// What a mount request did: mounted the blob, or opened an upload session instead
/// (<see cref="Session"/> is null when the registry's session cannot be used).
/// </summary>
internal sealed record MountResult(bool Mounted, UploadSession? Session);
