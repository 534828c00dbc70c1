using Drydock.Oci.Model;

namespace Drydock.Oci.Transports;

/// <summary>
/// Somewhere images can be read from: a registry repository, an OCI layout, an archive.
/// </summary>
public interface IImageSource : IAsyncDisposable
{
    /// <summary>A display name for errors and logs, such as the reference the user gave.</summary>
    string Name { get; }

    /// <summary>
    /// Fetches the manifest or index that the source's reference names (its tag or digest).
    /// </summary>
    Task<RawManifest> GetManifestAsync(CancellationToken cancellationToken);

    /// <summary>Fetches a manifest or index by digest, for the children of an index.</summary>
    Task<RawManifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a blob for reading. The returned stream verifies size and digest as it is read and
    /// throws <see cref="DigestMismatchException"/> at the end when they do not match.
    /// </summary>
    Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken);
}
