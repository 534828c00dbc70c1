using System.Text.Json;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Layout;

/// <summary>
/// Writes an image into an OCI image layout directory. A new layout is built in a temporary
/// directory beside the target and renamed into place at commit. Into an existing layout,
/// blobs are added one by one (each through a temporary file) and index.json is replaced
/// atomically at commit, so the layout never shows a half-written image. The staging directory
/// and any missing parents are created with the first blob, so a run that fails or is
/// cancelled before then leaves nothing, and disposing without a commit removes them.
/// </summary>
internal sealed class OciLayoutDestination : IImageDestination
{
    private const string LayoutFileContent = /*lang=json,strict*/ "{\"imageLayoutVersion\":\"1.0.0\"}";

    private readonly string _target;
    private readonly string? _tag;
    private readonly string? _staging;
    private Descriptor? _root;
    private bool _committed;
    private string? _createdAncestor;

    public OciLayoutDestination(string directory, string? tag, string name)
    {
        _target = Path.GetFullPath(directory).TrimEnd('/');
        _tag = tag;
        Name = name;
        if (Directory.Exists(_target) && Directory.EnumerateFileSystemEntries(_target).Any())
        {
            if (!File.Exists(Path.Combine(_target, "oci-layout")))
            {
                throw new IOException(
                    $"Directory '{_target}' exists and is not an OCI image layout. Choose a new directory.");
            }
        }
        else
        {
            var parent = Path.GetDirectoryName(_target)!;
            _staging = Path.Combine(parent, $".{Path.GetFileName(_target)}.drydock-{Guid.NewGuid():N}");
        }
    }

    public string Name { get; }

    /// <summary>The directory written to now, created on first use: the staging directory until commit.</summary>
    public string WorkingDirectory
    {
        get
        {
            if (_staging is not null && !Directory.Exists(_staging))
            {
                _createdAncestor ??= FirstMissingAncestor(_staging);
                Directory.CreateDirectory(_staging);
            }

            return _staging ?? _target;
        }
    }

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (_staging is not null && !Directory.Exists(_staging))
        {
            return Task.FromResult(false);
        }

        var path = Path.Combine(WorkingDirectory, LayoutBlobs.PathOf(descriptor.Digest));
        return Task.FromResult(File.Exists(path) && new FileInfo(path).Length == descriptor.Size);
    }

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken) =>
        LayoutBlobs.WriteAsync(WorkingDirectory, descriptor, content, Name, cancellationToken);

    public Task PutManifestAsync(RawManifest manifest, CancellationToken cancellationToken) =>
        PutBlobAsync(manifest.ToDescriptor(), new MemoryStream(manifest.Bytes.ToArray()), cancellationToken);

    public async Task PutRootManifestAsync(RawManifest manifest, CancellationToken cancellationToken)
    {
        await PutManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        var annotations = _tag is null
            ? null
            : new Dictionary<string, string> { [OciLayoutSource.RefNameAnnotation] = _tag };
        _root = manifest.ToDescriptor() with { Annotations = annotations };
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        var root = _root ?? throw new InvalidOperationException("No manifest was written before commit.");
        var directory = WorkingDirectory;
        var layoutFile = Path.Combine(directory, "oci-layout");
        if (!File.Exists(layoutFile))
        {
            await File.WriteAllTextAsync(layoutFile, LayoutFileContent, cancellationToken).ConfigureAwait(false);
        }

        var index = await UpdatedIndexAsync(directory, root, cancellationToken).ConfigureAwait(false);
        var indexPath = Path.Combine(directory, "index.json");
        var temporary = indexPath + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(temporary, OciJson.Serialize(index), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, indexPath, overwrite: true);
        if (_staging is not null)
        {
            if (Directory.Exists(_target))
            {
                Directory.Delete(_target);
            }

            Directory.Move(_staging, _target);
        }

        _committed = true;
    }

    public ValueTask DisposeAsync()
    {
        if (_committed || _staging is null)
        {
            return ValueTask.CompletedTask;
        }

        if (Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }

        // The parents made for the staging directory go too, unless something else was put there.
        for (var directory = Path.GetDirectoryName(_staging); _createdAncestor is not null && directory is not null;
            directory = Path.GetDirectoryName(directory))
        {
            if (!Directory.Exists(directory) || Directory.EnumerateFileSystemEntries(directory).Any())
            {
                break;
            }

            Directory.Delete(directory);
            if (directory == _createdAncestor)
            {
                break;
            }
        }

        return ValueTask.CompletedTask;
    }

    // The outermost directory of the path that does not exist yet, or null when all but the
    // last component exist, so that a run that fails can remove what it made.
    private static string? FirstMissingAncestor(string path)
    {
        string? missing = null;
        for (var directory = Path.GetDirectoryName(path); directory is not null && !Directory.Exists(directory);
            directory = Path.GetDirectoryName(directory))
        {
            missing = directory;
        }

        return missing;
    }

    // A tag names one image, so an older image under the same tag leaves index.json; images
    // without a tag accumulate, as skopeo does.
    private async Task<ImageIndex> UpdatedIndexAsync(string directory, Descriptor root,
        CancellationToken cancellationToken)
    {
        var indexPath = Path.Combine(directory, "index.json");
        var manifests = new List<Descriptor>();
        if (File.Exists(indexPath))
        {
            await using var stream = File.OpenRead(indexPath);
            var existing = await JsonSerializer.DeserializeAsync<ImageIndex>(stream, OciJson.Options,
                cancellationToken).ConfigureAwait(false);
            manifests.AddRange(existing?.Manifests ?? []);
        }

        manifests.RemoveAll(m => _tag is not null
            && m.Annotations?.GetValueOrDefault(OciLayoutSource.RefNameAnnotation) == _tag);
        manifests.RemoveAll(m => _tag is null && m.Annotations is null && m.Digest == root.Digest);
        manifests.Add(root);
        return new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = manifests };
    }
}
