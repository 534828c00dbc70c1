using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Testing.Transports;

/// <summary>
/// Passes every call to an inner destination with its own token, which it cancels when the
/// call numbered <paramref name="cancelAt"/> (counting from 0 over all calls but dispose)
/// begins: an interrupt at a chosen point, without timing.
/// </summary>
public sealed class CancellingDestination(IImageDestination inner, int cancelAt) : IImageDestination
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _calls;

    public string Name => inner.Name;

    /// <summary>The token a caller passes to the operation under test.</summary>
    public CancellationToken Token => _cancellation.Token;

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        inner.HasBlobAsync(descriptor, Step());

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken) =>
        inner.PutBlobAsync(descriptor, content, Step());

    public Task PutManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
        inner.PutManifestAsync(manifest, Step());

    public Task PutRootManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
        inner.PutRootManifestAsync(manifest, Step());

    public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(Step());

    public async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        _cancellation.Dispose();
    }

    private CancellationToken Step()
    {
        if (_calls++ == cancelAt)
        {
            _cancellation.Cancel();
        }

        return _cancellation.Token;
    }
}
