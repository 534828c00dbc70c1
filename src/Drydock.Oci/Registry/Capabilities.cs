using Drydock.Oci.Model;

namespace Drydock.Oci.Registry;

// Small capability interfaces over one repository, so that further ways of moving content
// (chunked uploads, cross-repository mounts, referrers, resumed downloads) can be added as
// interfaces of their own beside these without changing the callers of the existing ones.

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

/// <summary>Uploads a blob in one request.</summary>
internal interface IBlobPusher
{
    /// <param name="descriptor">The blob's digest and size.</param>
    /// <param name="openContent">Opens the content from its start, once per attempt.</param>
    /// <param name="replayable">Whether <paramref name="openContent"/> may be called more than once.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    Task PushBlobAsync(
        Descriptor descriptor, Func<Stream> openContent, bool replayable, CancellationToken cancellationToken);
}
