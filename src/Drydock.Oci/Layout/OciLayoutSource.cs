using System.Text.Json;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Layout;

/// <summary>
/// An image in an OCI image layout (OCI image spec v1.1, image-layout.md), in a directory or a
/// tar archive. The image is chosen by its <c>org.opencontainers.image.ref.name</c> annotation,
/// or is the only one in index.json when no tag is given.
/// </summary>
internal sealed class OciLayoutSource : IImageSource
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private readonly ILayoutFiles _files;
    private readonly string? _tag;
    private readonly ImageIndex _index;

    public OciLayoutSource(ILayoutFiles files, string? tag, string name)
    {
        _files = files;
        _tag = tag;
        Name = name;
        _index = ReadIndex(files);
    }

    public string Name { get; }

    public Task<RawManifest> GetManifestAsync(CancellationToken cancellationToken) =>
        GetManifestAsync(SelectRoot(), cancellationToken);

    public Task<RawManifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        var bytes = LayoutBlobs.ReadSmall(_files, descriptor, RawManifest.MaxSize);
        var mediaType = string.IsNullOrEmpty(descriptor.MediaType)
            ? RawManifest.SniffMediaType(bytes)
            : descriptor.MediaType;
        return Task.FromResult(new RawManifest(bytes, mediaType));
    }

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        Task.FromResult(LayoutBlobs.Verify(LayoutBlobs.Open(_files, descriptor.Digest), descriptor, Name));

    public ValueTask DisposeAsync()
    {
        _files.Dispose();
        return ValueTask.CompletedTask;
    }

    private Descriptor SelectRoot()
    {
        if (_tag is not null)
        {
            return _index.Manifests.FirstOrDefault(m => RefName(m) == _tag)
                ?? throw new FileNotFoundException(
                    $"Image layout '{_files.Location}' has no image tagged '{_tag}'. Tags present: {Tags()}.");
        }

        if (_index.Manifests.Count == 1)
        {
            return _index.Manifests[0];
        }

        throw new FileNotFoundException(
            $"Image layout '{_files.Location}' holds {_index.Manifests.Count} images; name one with "
            + $"'oci:PATH:TAG'. Tags present: {Tags()}.");
    }

    private string Tags()
    {
        var tags = _index.Manifests.Select(RefName).OfType<string>().Select(tag => $"'{tag}'").ToList();
        return tags.Count == 0 ? "none" : string.Join(", ", tags);
    }

    private static string? RefName(Descriptor descriptor) =>
        descriptor.Annotations?.GetValueOrDefault(RefNameAnnotation);

    private static ImageIndex ReadIndex(ILayoutFiles files)
    {
        if (!files.Exists("oci-layout") || !files.Exists("index.json"))
        {
            throw new FileNotFoundException(
                $"'{files.Location}' is not an OCI image layout: it has no oci-layout or index.json file.");
        }

        if (files.Length("index.json") > RawManifest.MaxSize)
        {
            throw new InvalidDataException(
                $"index.json of '{files.Location}' is over the limit of {RawManifest.MaxSize} bytes.");
        }

        using var stream = files.Open("index.json");
        try
        {
            return JsonSerializer.Deserialize<ImageIndex>(stream, OciJson.Options)
                ?? throw new InvalidDataException($"index.json of '{files.Location}' is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"index.json of '{files.Location}' is malformed: {e.Message}", e);
        }
    }
}
