using System.Text.Json;
using Drydock.Oci;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Cli.Commands;

/// <summary>
/// Reads an image from an OCI image layout directory (OCI image spec v1.1 image-layout.md):
/// <c>index.json</c> names the manifests, by tag in the <c>org.opencontainers.image.ref.name</c>
/// annotation, and every blob lies at <c>blobs/ALGORITHM/HEX</c>.
/// </summary>
// NOTE: a stop-gap for `oci:DIR[:TAG]` input until the Oci part's transports open the file
// transports; docker-archive and oci-archive input are not read here.
internal sealed class OciLayoutSource : IImageSource
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private readonly string _directory;
    private readonly string? _tag;

    public OciLayoutSource(string directory, string? tag)
    {
        _directory = Path.GetFullPath(directory);
        _tag = tag;
        Name = tag is null ? $"oci:{directory}" : $"oci:{directory}:{tag}";
    }

    public string Name { get; }

    /// <summary>Opens <c>oci:DIR[:TAG]</c>, or returns null for any other location.</summary>
    public static OciLayoutSource? TryOpen(string location)
    {
        if (!location.StartsWith("oci:", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = location["oci:".Length..];
        var colon = rest.LastIndexOf(':');
        return colon > 0 && !rest[(colon + 1)..].Contains('/', StringComparison.Ordinal)
            ? new OciLayoutSource(rest[..colon], rest[(colon + 1)..])
            : new OciLayoutSource(rest, null);
    }

    public async Task<RawManifest> GetManifestAsync(CancellationToken cancellationToken)
    {
        var indexPath = Path.Combine(_directory, "index.json");
        if (!File.Exists(indexPath))
        {
            throw new FileNotFoundException(
                $"'{_directory}' is not an OCI image layout: it has no index.json. Give the layout's directory.",
                indexPath);
        }

        var bytes = await File.ReadAllBytesAsync(indexPath, cancellationToken).ConfigureAwait(false);
        var index = JsonSerializer.Deserialize<ImageIndex>(bytes, OciJson.Options)
            ?? throw new InvalidDataException($"The index.json of '{_directory}' is JSON null.");
        var chosen = index.Manifests
            .Where(m => _tag is null || m.Annotations?.GetValueOrDefault(RefNameAnnotation) == _tag)
            .ToList();
        if (chosen.Count != 1)
        {
            var tags = string.Join(", ", index.Manifests.Select(m => $"'{m.Annotations?.GetValueOrDefault(RefNameAnnotation)}'"));
            throw new InvalidDataException(
                $"The OCI layout '{_directory}' has {chosen.Count} manifests for tag '{_tag}'. "
                + $"Name one of its tags ({tags}) as oci:DIR:TAG.");
        }

        return await GetManifestAsync(chosen[0], cancellationToken).ConfigureAwait(false);
    }

    public async Task<RawManifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (descriptor.Size > RawManifest.MaxSize)
        {
            throw new InvalidDataException(
                $"Manifest '{descriptor.Digest}' of '{Name}' is {descriptor.Size} bytes, over the limit of "
                + $"{RawManifest.MaxSize} bytes.");
        }

        var bytes = await File.ReadAllBytesAsync(BlobPath(descriptor.Digest), cancellationToken).ConfigureAwait(false);
        if (Digest.Compute(bytes) != descriptor.Digest)
        {
            throw new DigestMismatchException(
                $"Manifest '{descriptor.Digest}' of '{Name}' does not match its digest. The layout is corrupt.");
        }

        return new RawManifest(bytes, descriptor.MediaType);
    }

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        // Layer digests are checked by the layer reader as it streams, configs by ResolvedImage.
        Stream stream = new FileStream(BlobPath(descriptor.Digest), FileMode.Open, FileAccess.Read,
            FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Task.FromResult(stream);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // Digest validates algorithm and hex when parsed, so the path stays inside blobs/.
    private string BlobPath(Digest digest) => Path.Combine(_directory, "blobs", digest.Algorithm, digest.Hex);
}
