namespace Drydock.Oci.Layers;

/// <summary>The kinds of tar entry a layer may contain, with OCI whiteouts told apart.</summary>
public enum LayerEntryKind
{
    File,
    Directory,
    Symlink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,

    /// <summary>A <c>.wh.NAME</c> entry: <see cref="LayerEntry.Path"/> is the path it deletes.</summary>
    Whiteout,

    /// <summary>
    /// A <c>.wh..wh..opq</c> entry: <see cref="LayerEntry.Path"/> is the directory whose
    /// lower-layer contents it hides.
    /// </summary>
    OpaqueWhiteout,
}

/// <summary>
/// One checked entry of a layer. <see cref="Path"/> is relative to the image root, uses '/',
/// has no '.', '..' or empty components, and is empty for the root directory itself.
/// </summary>
public sealed class LayerEntry
{
    private readonly Stream? _data;

    internal LayerEntry(string name, string path, LayerEntryKind kind, Stream? data)
    {
        Name = name;
        Path = path;
        Kind = kind;
        _data = data;
    }

    /// <summary>The entry name exactly as the archive spells it.</summary>
    public string Name { get; }

    public string Path { get; }

    public LayerEntryKind Kind { get; }

    /// <summary>Permission bits, including set-user-ID, set-group-ID and sticky.</summary>
    public UnixFileMode Mode { get; init; }

    public int Uid { get; init; }

    public int Gid { get; init; }

    public DateTimeOffset ModificationTime { get; init; }

    /// <summary>Content length of a regular file; 0 for every other kind.</summary>
    public long Size { get; init; }

    /// <summary>
    /// The target of a symlink as written (absolute targets are relative to the image root),
    /// or the normalised path of a hard link's target; null for other kinds.
    /// </summary>
    public string? LinkTarget { get; init; }

    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    /// <summary>The path's last component, or empty for the root.</summary>
    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Opens the content of a regular file. The stream is valid until the next entry is read.
    /// </summary>
    public Stream OpenData() => _data ?? Stream.Null;
}
