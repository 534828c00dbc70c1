using Drydock.Oci;
using Drydock.Oci.Model;
using Drydock.Oci.References;
using Drydock.Oci.Transports;

namespace Drydock.Cli.Commands;

/// <summary>
/// Makes <c>drydock patch</c> all or nothing at its output, side files included. For a
/// registry the root manifest is pushed by digest first and tagged only after the SBOM was
/// read back and the side files were written, so the tag is the last thing pushed. For an OCI
/// layout, index.json as it was before the run is put back when a later step fails, and a
/// layout the run created is removed with the parents it made.
/// </summary>
// NOTE: an oci-archive or docker-archive output that a later step fails on stays written,
// and blobs added to an existing layout stay there unreferenced until a garbage collection.
internal sealed class PatchTransaction
{
    private readonly TransportReference _reference;
    private readonly string? _layout;
    private readonly byte[]? _index;
    private readonly string? _missingAncestor;
    private DeferredTagDestination? _deferred;

    public PatchTransaction(string target)
    {
        _reference = TransportReference.Parse(target);
        if (_reference.Kind != TransportKind.OciLayout || _reference.Path is null)
        {
            return;
        }

        _layout = Path.GetFullPath(Path.TrimEndingDirectorySeparator(_reference.Path));
        var index = Path.Combine(_layout, "index.json");
        _index = File.Exists(index) ? File.ReadAllBytes(index) : null;
        for (var directory = _layout; directory is not null && !Directory.Exists(directory);
            directory = Path.GetDirectoryName(directory))
        {
            _missingAncestor = directory;
        }
    }

    /// <summary>Wraps the destination so that, for a registry, the tag waits for <see cref="PublishAsync"/>.</summary>
    public IImageDestination Wrap(IImageDestination destination)
    {
        if (_reference.Kind != TransportKind.Registry)
        {
            return destination;
        }

        _deferred = new DeferredTagDestination(destination);
        return _deferred;
    }

    /// <summary>The location the written image can be read back from before it is published.</summary>
    public string ReadBackLocation(string target, Digest digest) =>
        _reference.Kind == TransportKind.Registry && _reference.Image is { } image
            ? image.WithDigest(digest).ToString()
            : target;

    /// <summary>Pushes the deferred tag of a registry output; nothing to do for other outputs.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (_deferred is not null)
        {
            await _deferred.PublishAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes what the run made visible at an OCI layout output.</summary>
    public void RollBack()
    {
        if (_layout is null || !Directory.Exists(_layout))
        {
            return;
        }

        if (_index is not null)
        {
            var index = Path.Combine(_layout, "index.json");
            var temporary = $"{index}.tmp-{Guid.NewGuid():N}";
            File.WriteAllBytes(temporary, _index);
            File.Move(temporary, index, overwrite: true);
            return;
        }

        // A layout this run created goes with the parents it made; one that existed without an
        // index.json is left empty, as it was.
        Directory.Delete(_missingAncestor ?? _layout, recursive: true);
        if (_missingAncestor is null)
        {
            Directory.CreateDirectory(_layout);
        }
    }

    /// <summary>
    /// Passes every call through but pushes the root manifest by digest only, keeping it to push
    /// under the tag in <see cref="PublishAsync"/>.
    /// </summary>
    private sealed class DeferredTagDestination(IImageDestination inner) : IImageDestination
    {
        private RawManifest? _root;

        public string Name => inner.Name;

        public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
            inner.HasBlobAsync(descriptor, cancellationToken);

        public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken) =>
            inner.PutBlobAsync(descriptor, content, cancellationToken);

        public Task PutManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
            inner.PutManifestAsync(manifest, cancellationToken);

        public Task PutRootManifestAsync(RawManifest manifest, CancellationToken cancellationToken)
        {
            _root = manifest;
            return inner.PutManifestAsync(manifest, cancellationToken);
        }

        public Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task PublishAsync(CancellationToken cancellationToken)
        {
            if (_root is null)
            {
                return;
            }

            await inner.PutRootManifestAsync(_root, cancellationToken).ConfigureAwait(false);
            await inner.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
