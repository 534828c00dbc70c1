using Drydock.Oci.Layers;

namespace Drydock.Oci.FileSystem;

/// <summary>
/// A file of the flattened image as the view read it: a regular file with its content, or a
/// symlink or other node with its metadata only.
/// </summary>
public sealed record ImageFile
{
    /// <summary>The root-relative path, without a leading '/'.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// <see cref="LayerEntryKind.File"/>, <see cref="LayerEntryKind.Symlink"/>, or another node
    /// kind; hard links are reported as the file they link to.
    /// </summary>
    public required LayerEntryKind Kind { get; init; }

    /// <summary>The content of a regular file; empty for every other kind.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>The target of a symlink as written; null for other kinds.</summary>
    public string? LinkTarget { get; init; }

    public UnixFileMode Mode { get; init; }

    public int Uid { get; init; }

    public int Gid { get; init; }

    public DateTimeOffset ModificationTime { get; init; }

    /// <summary>The index of the layer that last wrote this file, 0 for the bottom layer.</summary>
    public int LayerIndex { get; init; }
}

/// <summary>
/// What one layer did to the files a predicate selects, and the state of those files once the
/// layer is applied.
/// </summary>
public sealed record LayerChanges
{
    public required ImageLayer Layer { get; init; }

    /// <summary>Selected files that this layer added or replaced.</summary>
    public required IReadOnlyList<ImageFile> Changed { get; init; }

    /// <summary>Selected paths that this layer deleted with a whiteout or an opaque directory.</summary>
    public required IReadOnlyList<string> Removed { get; init; }

    /// <summary>Every selected file present after this layer, keyed by path.</summary>
    public required IReadOnlyDictionary<string, ImageFile> State { get; init; }
}
