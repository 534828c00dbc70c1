using System.IO.Compression;
using System.Text.Json;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Oci.Writing;

namespace Drydock.Oci.DockerArchives;

/// <summary>
/// Writes a <c>docker save</c> archive that <c>docker load</c> and skopeo read: manifest.json,
/// the config as <c>HEX.json</c>, each layer uncompressed as <c>DIFFID/layer.tar</c> and a
/// repositories file. Docker schema 2 has no zstd layer type, so zstd layers are rejected.
/// </summary>
internal sealed class DockerArchiveDestination : IImageDestination
{
    private readonly string _archive;
    private readonly string? _reference;
    private readonly string _staging;
    private readonly Dictionary<Digest, string> _layerPaths = [];
    private DockerArchiveManifest? _item;

    public DockerArchiveDestination(string archive, string? reference, string name)
    {
        _archive = Path.GetFullPath(archive);
        _reference = reference;
        Name = name;
        var parent = Path.GetDirectoryName(_archive)!;
        Directory.CreateDirectory(parent);
        _staging = Path.Combine(parent, $".{Path.GetFileName(_archive)}.drydock-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_staging);
    }

    public string Name { get; }

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken)
    {
        if (descriptor.MediaType is MediaTypes.OciConfig or MediaTypes.DockerConfig)
        {
            await LayoutBlobs.WriteAsync(_staging, descriptor, content, Name, cancellationToken).ConfigureAwait(false);
            return;
        }

        await WriteLayerAsync(descriptor, content, cancellationToken).ConfigureAwait(false);
    }

    public Task PutManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            $"'{Name}' is a docker archive, which holds one image per platform. Copy a single platform.");

    public Task PutRootManifestAsync(RawManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.IsIndex)
        {
            return PutManifestAsync(manifest, cancellationToken);
        }

        var parsed = manifest.ParseManifest();
        var layers = parsed.Layers
            .Select(layer => _layerPaths.TryGetValue(layer.Digest, out var path)
                ? path
                : throw new InvalidOperationException($"Layer '{layer.Digest}' was not written before its manifest."))
            .ToList();
        _item = new DockerArchiveManifest
        {
            Config = parsed.Config.Digest.Hex + ".json",
            RepoTags = _reference is null ? [] : [_reference],
            Layers = layers,
        };
        var configBlob = Path.Combine(_staging, LayoutBlobs.PathOf(parsed.Config.Digest));
        File.Move(configBlob, Path.Combine(_staging, _item.Config), overwrite: true);
        Directory.Delete(Path.Combine(_staging, "blobs"), recursive: true);
        return Task.CompletedTask;
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        var item = _item ?? throw new InvalidOperationException("No manifest was written before commit.");
        await File.WriteAllBytesAsync(Path.Combine(_staging, "manifest.json"),
            JsonSerializer.SerializeToUtf8Bytes(new[] { item }, OciJson.Options), cancellationToken).ConfigureAwait(false);
        if (RepositoriesFile(item) is { } repositories)
        {
            await File.WriteAllBytesAsync(Path.Combine(_staging, "repositories"), repositories, cancellationToken)
                .ConfigureAwait(false);
        }

        await ArchiveWriter.WriteAsync(_staging, _archive, cancellationToken).ConfigureAwait(false);
        Directory.Delete(_staging, recursive: true);
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    // The repositories file maps "repo" to {"tag": top layer ID}; the layer directory names
    // serve as IDs, as skopeo writes them.
    private byte[]? RepositoriesFile(DockerArchiveManifest item)
    {
        if (_reference is null || item.Layers.Count == 0)
        {
            return null;
        }

        var colon = _reference.LastIndexOf(':');
        var hasTag = colon > _reference.LastIndexOf('/');
        var repository = hasTag ? _reference[..colon] : _reference;
        var tag = hasTag ? _reference[(colon + 1)..] : "latest";
        var topLayer = item.Layers[^1].Split('/')[0];
        var map = new Dictionary<string, Dictionary<string, string>> { [repository] = new() { [tag] = topLayer } };
        return JsonSerializer.SerializeToUtf8Bytes(map, OciJson.Options);
    }

    private async Task WriteLayerAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken)
    {
        var verified = LayoutBlobs.Verify(content, descriptor, Name);
        var magic = new byte[LayerCompressions.MagicLength];
        var filled = await verified.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken)
            .ConfigureAwait(false);
        var compression = LayerCompressions.Detect(magic.AsSpan(0, filled));
        if (compression == LayerCompression.Zstd)
        {
            throw new NotSupportedException(
                $"Layer '{descriptor.Digest}' is zstd-compressed, and docker archives (Docker image manifest v2 "
                + "schema 2) have no zstd layer type. Write the image to oci: or oci-archive: instead.");
        }

        var prefixed = new PrefixedStream(magic[..filled], verified);
        Stream tar = compression == LayerCompression.Gzip
            ? new GZipStream(prefixed, CompressionMode.Decompress)
            : prefixed;
        var temporary = Path.Combine(_staging, "layer-" + Guid.NewGuid().ToString("N"));
        Digest diffId;
        await using (tar.ConfigureAwait(false))
        {
            var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1,
                FileOptions.Asynchronous);
            await using (output.ConfigureAwait(false))
            {
                var hashing = new HashingWriteStream(output, leaveOpen: true);
                await using (hashing.ConfigureAwait(false))
                {
                    await tar.CopyToAsync(hashing, 1 << 20, cancellationToken).ConfigureAwait(false);
                    diffId = hashing.Finish();
                }
            }
        }

        var relative = $"{diffId.Hex}/layer.tar";
        Directory.CreateDirectory(Path.Combine(_staging, diffId.Hex));
        File.Move(temporary, Path.Combine(_staging, relative), overwrite: true);
        _layerPaths[descriptor.Digest] = relative;
    }
}
