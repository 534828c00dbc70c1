using Drydock.Oci.Model;

namespace Drydock.Oci.Transports;

/// <summary>
/// Somewhere images can be written to. Writes become visible only at
/// <see cref="CommitAsync"/>; disposing without committing leaves nothing behind.
/// </summary>
public interface IImageDestination : IAsyncDisposable
{
    string Name { get; }

    /// <summary>
    /// Returns whether a blob is already present, so that it need not be sent. A registry
    /// destination may first make it present by mounting it from another repository.
    /// </summary>
    Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken);

    /// <summary>Writes a blob, verifying it against the descriptor's size and digest.</summary>
    Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a manifest or index that is not the one the destination reference names,
    /// such as the per-platform children of an index.
    /// </summary>
    Task PutManifestAsync(RawManifest manifest, CancellationToken cancellationToken);

    /// <summary>Writes the top-level manifest or index under the destination's tag.</summary>
    Task PutRootManifestAsync(RawManifest manifest, CancellationToken cancellationToken);

    /// <summary>Makes everything written visible, atomically where the transport allows.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
