using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Layout;

/// <summary>
/// Writes an OCI archive: an image layout built in a temporary directory, packed into a tar
/// beside the target at commit and renamed over it.
/// </summary>
internal sealed class OciArchiveDestination : IImageDestination
{
    private readonly string _archive;
    private readonly string _staging;
    private readonly OciLayoutDestination _layout;

    public OciArchiveDestination(string archive, string? tag, string name)
    {
        _archive = Path.GetFullPath(archive);
        Name = name;
        var parent = Path.GetDirectoryName(_archive)!;
        Directory.CreateDirectory(parent);
        _staging = Path.Combine(parent, $".{Path.GetFileName(_archive)}.drydock-{Guid.NewGuid():N}");
        _layout = new OciLayoutDestination(_staging, tag, name);
    }

    public string Name { get; }

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        _layout.HasBlobAsync(descriptor, cancellationToken);

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken) =>
        _layout.PutBlobAsync(descriptor, content, cancellationToken);

    public Task PutManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
        _layout.PutManifestAsync(manifest, cancellationToken);

    public Task PutRootManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
        _layout.PutRootManifestAsync(manifest, cancellationToken);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _layout.CommitAsync(cancellationToken).ConfigureAwait(false);
        await ArchiveWriter.WriteAsync(_staging, _archive, cancellationToken).ConfigureAwait(false);
        Directory.Delete(_staging, recursive: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _layout.DisposeAsync().ConfigureAwait(false);
        if (Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }
    }
}
