using System.Text.Json;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Oci.DockerArchives;

/// <summary>
/// An image in a <c>docker save</c> archive, read through its manifest.json: the legacy layout
/// (<c>ID/layer.tar</c>, <c>ID.json</c>) and the OCI-layout tar that Docker 25 and later writes
/// (<c>blobs/sha256/HEX</c>, with manifest.json kept for compatibility) alike. The archive has
/// no registry manifest, so a Docker schema 2 manifest is made up from the config and layers.
/// </summary>
internal sealed class DockerArchiveSource : IImageSource
{
    private readonly TarLayoutFiles _files;
    private readonly Dictionary<Digest, string> _blobPaths = [];
    private readonly RawManifest _manifest;

    public DockerArchiveSource(string archive, string? reference, string name)
    {
        Name = name;
        _files = new TarLayoutFiles(archive);
        var item = Select(ReadManifest(), reference);
        _manifest = BuildManifest(item);
    }

    public string Name { get; }

    public Task<RawManifest> GetManifestAsync(CancellationToken cancellationToken) => Task.FromResult(_manifest);

    public Task<RawManifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        descriptor.Digest == _manifest.Digest
            ? Task.FromResult(_manifest)
            : throw new FileNotFoundException(
                $"Archive '{_files.Location}' has no manifest '{descriptor.Digest}'; a docker archive holds "
                + "single-platform images only.");

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (!_blobPaths.TryGetValue(descriptor.Digest, out var path))
        {
            throw new FileNotFoundException(
                $"Archive '{_files.Location}' has no blob '{descriptor.Digest}'.", descriptor.Digest.ToString());
        }

        return Task.FromResult(LayoutBlobs.Verify(_files.Open(path), descriptor, Name));
    }

    public ValueTask DisposeAsync()
    {
        _files.Dispose();
        return ValueTask.CompletedTask;
    }

    private List<DockerArchiveManifest> ReadManifest()
    {
        if (!_files.Exists("manifest.json"))
        {
            throw new InvalidDataException(
                $"Archive '{_files.Location}' has no manifest.json, so it is not a docker save archive.");
        }

        if (_files.Length("manifest.json") > RawManifest.MaxSize)
        {
            throw new InvalidDataException(
                $"manifest.json of '{_files.Location}' is over the limit of {RawManifest.MaxSize} bytes.");
        }

        using var stream = _files.Open("manifest.json");
        try
        {
            return JsonSerializer.Deserialize<List<DockerArchiveManifest>>(stream, OciJson.Options) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest.json of '{_files.Location}' is malformed: {e.Message}", e);
        }
    }

    // The reference is a tag from RepoTags, or "@N" for the N-th image, as skopeo accepts.
    private DockerArchiveManifest Select(List<DockerArchiveManifest> items, string? reference)
    {
        if (reference is null)
        {
            return items.Count == 1
                ? items[0]
                : throw new FileNotFoundException(
                    $"Archive '{_files.Location}' holds {items.Count} images; name one with "
                    + "'docker-archive:PATH:REPO:TAG' or 'docker-archive:PATH:@INDEX'.");
        }

        if (reference.StartsWith('@') && int.TryParse(reference[1..], out var position))
        {
            return position >= 0 && position < items.Count
                ? items[position]
                : throw new FileNotFoundException(
                    $"Archive '{_files.Location}' has {items.Count} images, so '{reference}' names none.");
        }

        return items.FirstOrDefault(item => item.RepoTags?.Any(tag => Matches(tag, reference)) == true)
            ?? throw new FileNotFoundException(
                $"Archive '{_files.Location}' has no image tagged '{reference}'. Tags present: "
                + string.Join(", ", items.SelectMany(item => item.RepoTags ?? []).Select(tag => $"'{tag}'")) + ".");
    }

    private static bool Matches(string tag, string reference) =>
        tag == reference || tag == "docker.io/" + reference || tag == "docker.io/library/" + reference;

    private RawManifest BuildManifest(DockerArchiveManifest item)
    {
        var configPath = Normalize(item.Config);
        var configLength = _files.Length(configPath);
        if (configLength > ResolvedImage.MaxConfigSize)
        {
            throw new InvalidDataException(
                $"Config '{item.Config}' in '{_files.Location}' is over the limit of {ResolvedImage.MaxConfigSize} bytes.");
        }

        byte[] config;
        using (var stream = _files.Open(configPath))
        {
            config = new byte[configLength];
            stream.ReadExactly(config);
        }

        var configDigest = Digest.Compute(config);
        _blobPaths[configDigest] = configPath;
        var diffIds = JsonSerializer.Deserialize<ImageConfig>(config, OciJson.Options)?.RootFs?.DiffIds ?? [];
        if (diffIds.Count != item.Layers.Count)
        {
            throw new InvalidDataException(
                $"Image '{Name}' lists {item.Layers.Count} layers in manifest.json but {diffIds.Count} diff_ids "
                + "in its config. The archive is corrupt.");
        }

        var layers = item.Layers.Select((path, i) => DescribeLayer(Normalize(path), diffIds[i])).ToList();
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = new Descriptor { MediaType = MediaTypes.DockerConfig, Digest = configDigest, Size = config.Length },
            Layers = layers,
        };
        return new RawManifest(OciJson.Serialize(manifest), MediaTypes.DockerManifest);
    }

    // docker save writes uncompressed layers, whose digest is the config's diff_id; a
    // compressed one (which docker load also accepts) is hashed here once.
    private Descriptor DescribeLayer(string path, string diffId)
    {
        var length = _files.Length(path);
        var magic = new byte[LayerCompressions.MagicLength];
        using (var stream = _files.Open(path))
        {
            magic = magic[..stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false)];
        }

        var compression = LayerCompressions.Detect(magic);
        Digest digest;
        if (compression == LayerCompression.None && Digest.TryParse(diffId, out var uncompressed))
        {
            digest = uncompressed;
        }
        else
        {
            using var stream = _files.Open(path);
            digest = Digest.FromSha256(System.Security.Cryptography.SHA256.HashData(stream));
        }

        _blobPaths[digest] = path;
        var mediaType = compression == LayerCompression.Zstd
            ? MediaTypes.OciLayerZstd
            : LayerCompressions.DockerMediaType(compression);
        return new Descriptor { MediaType = mediaType, Digest = digest, Size = length };
    }

    private string Normalize(string path) =>
        EntryPaths.Normalize(path) is { Length: > 0 } normalized
            ? normalized
            : throw new InvalidDataException(
                $"manifest.json of '{_files.Location}' names the path '{path}', which leaves the archive.");
}
