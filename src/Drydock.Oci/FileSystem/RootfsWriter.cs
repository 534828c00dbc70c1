using System.Runtime.Versioning;
using Drydock.Oci.Layers;

namespace Drydock.Oci.FileSystem;

/// <summary>
/// Applies layer entries to a directory on disk. Paths are joined to the root only after every
/// parent component has been checked to be a real directory inside the root (a symlink or file
/// left there by an earlier entry is replaced, as an overlay mount would show it), and the
/// final component is created with O_EXCL semantics, so no entry can write through a symlink.
/// The root is a fresh directory that only this writer touches.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class RootfsWriter
{
    private const UnixFileMode DirectoryWhileWriting = (UnixFileMode)0b111_101_101;
    private const UnixFileMode PermissionBits = (UnixFileMode)0b111_111_111;

    private readonly string _root;
    private readonly bool _preserveOwnership;
    private readonly HashSet<string> _touchedThisLayer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LayerEntry> _directoryAttributes = new(StringComparer.Ordinal);

    // What this writer has put under the root, by relative path. The root is a fresh
    // directory that nothing else writes to, so this answers "what is there" without a
    // stat per entry; creation still uses O_EXCL, so a wrong answer fails instead of
    // writing through a link.
    private readonly Dictionary<string, FileKind> _tree = new(StringComparer.Ordinal) { [string.Empty] = FileKind.Directory };
    private readonly uint _userId = NativeMethods.EffectiveUserId;
    private readonly uint _groupId = NativeMethods.EffectiveGroupId;
    private readonly UnixFileMode _umask = NativeMethods.Umask;
    private ImageLayer? _layer;

    public RootfsWriter(string root, bool preserveOwnership)
    {
        _root = root;
        _preserveOwnership = preserveOwnership;
    }

    public void ApplyLayer(LayerReader reader, CancellationToken cancellationToken)
    {
        _layer = reader.Layer;
        _touchedThisLayer.Clear();
        while (reader.Next() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Apply(entry);
        }
    }

    /// <summary>Sets directory owners, modes and times last, deepest first, since writing a child changes them.</summary>
    public void Finish()
    {
        foreach (var (path, entry) in _directoryAttributes.OrderByDescending(pair => pair.Key.Length))
        {
            if (KindOf(path) != FileKind.Directory)
            {
                continue;
            }

            var full = FullPath(path);
            SetOwnerModeTimes(full, entry, isSymlink: false);
        }
    }

    private void Apply(LayerEntry entry)
    {
        switch (entry.Kind)
        {
            case LayerEntryKind.Whiteout:
                if (ParentIsDirectory(entry.Path))
                {
                    Remove(entry.Path);
                }

                return;
            case LayerEntryKind.OpaqueWhiteout:
                ClearLowerChildren(entry.Path);
                return;
        }

        Touch(entry.Path);
        if (entry.Path.Length == 0)
        {
            _directoryAttributes[string.Empty] = entry;
            return;
        }

        EnsureParents(entry.Path);
        var full = FullPath(entry.Path);
        var existing = KindOf(entry.Path);
        if (entry.Kind == LayerEntryKind.Directory && existing == FileKind.Directory)
        {
            _directoryAttributes[entry.Path] = entry;
            return;
        }

        if (existing != FileKind.None)
        {
            Remove(entry.Path);
        }

        Create(entry, full);
    }

    private void Create(LayerEntry entry, string full)
    {
        switch (entry.Kind)
        {
            case LayerEntryKind.File:
                WriteFile(entry, full);
                break;
            case LayerEntryKind.Directory:
                Directory.CreateDirectory(full, DirectoryWhileWriting);
                _directoryAttributes[entry.Path] = entry;
                break;
            case LayerEntryKind.Symlink:
                File.CreateSymbolicLink(full, entry.LinkTarget!);
                SetOwnerModeTimes(full, entry, isSymlink: true);
                break;
            case LayerEntryKind.HardLink:
                NativeMethods.Link(CheckedLinkTarget(entry), full);
                break;
            case LayerEntryKind.Fifo:
                NativeMethods.MakeNode(full, NativeMethods.Fifo, entry.Mode, 0, 0);
                SetOwnerModeTimes(full, entry, isSymlink: false);
                break;
            case LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice:
                CreateDevice(entry, full);
                break;
        }

        _tree[entry.Path] = entry.Kind switch
        {
            LayerEntryKind.Directory => FileKind.Directory,
            LayerEntryKind.Symlink => FileKind.Symlink,
            _ => FileKind.File,
        };
    }

    private void WriteFile(LayerEntry entry, string full)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            // Reserving space costs a call per file; it pays off only for large ones.
            PreallocationSize = entry.Size >= 1 << 20 ? entry.Size : 0,
            UnixCreateMode = (entry.Mode & PermissionBits) | UnixFileMode.UserWrite,
        };
        using (var output = new FileStream(full, options))
        {
            entry.OpenData().CopyTo(output, 128 * 1024);
        }

        SetOwnerModeTimes(full, entry, isSymlink: false);
    }

    private void CreateDevice(LayerEntry entry, string full)
    {
        if (!_preserveOwnership)
        {
            throw Reject(entry, LayerProblem.DeviceNode,
                "is a device node, which only root can create. Unpack as root, or use an image without it");
        }

        var type = entry.Kind == LayerEntryKind.BlockDevice ? NativeMethods.BlockDevice : NativeMethods.CharacterDevice;
        NativeMethods.MakeNode(full, type, entry.Mode, entry.DeviceMajor, entry.DeviceMinor);
        SetOwnerModeTimes(full, entry, isSymlink: false);
    }

    // A hard link's target must already be a file reached through real directories only, so
    // that link(2) cannot be pointed at a file outside the root through a planted symlink.
    private string CheckedLinkTarget(LayerEntry entry)
    {
        var target = entry.LinkTarget!;
        var full = FullPath(target);
        var parent = EntryPaths.Parent(target);
        if (!DirectoryChainIsReal(parent) || KindOf(target) != FileKind.File)
        {
            throw Reject(entry, LayerProblem.LinkEscape,
                $"is a hard link to '{target}', which is not a file already unpacked inside the root");
        }

        return full;
    }

    // Each call is skipped when the file already has what it would set: most entries are
    // owned by the unpacking user and have plain modes that the umask left alone.
    private void SetOwnerModeTimes(string full, LayerEntry entry, bool isSymlink)
    {
        if (_preserveOwnership && ((uint)entry.Uid != _userId || (uint)entry.Gid != _groupId))
        {
            NativeMethods.Lchown(full, entry.Uid, entry.Gid);
        }

        // chown(2) clears set-user-ID and set-group-ID bits, so the mode comes after it. A
        // file is created with its permission bits plus user write, less the umask.
        var created = ((entry.Mode & PermissionBits) | UnixFileMode.UserWrite) & ~_umask;
        if (!isSymlink && (entry.Mode != created || entry.Kind != LayerEntryKind.File))
        {
            File.SetUnixFileMode(full, entry.Mode);
        }

        NativeMethods.SetTimes(full, entry.ModificationTime);
    }

    private void EnsureParents(string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            var directory = path[..slash];
            var kind = KindOf(directory);
            if (kind == FileKind.Directory)
            {
                continue;
            }

            if (kind != FileKind.None)
            {
                Remove(directory);
            }

            Directory.CreateDirectory(FullPath(directory), DirectoryWhileWriting);
            _tree[directory] = FileKind.Directory;
            Touch(directory);
        }
    }

    private bool ParentIsDirectory(string path) => DirectoryChainIsReal(EntryPaths.Parent(path));

    // Every directory in the record was created by this writer below directories it created, and
    // removing one removes its subtree from the record, so the record alone answers this.
    private bool DirectoryChainIsReal(string directory) =>
        directory.Length == 0 || KindOf(directory) == FileKind.Directory;

    // An opaque directory hides what lower layers put in it; entries of this layer stay.
    private void ClearLowerChildren(string directory)
    {
        Touch(directory);
        if (!DirectoryChainIsReal(directory))
        {
            return;
        }

        if (KindOf(directory) != FileKind.Directory)
        {
            return;
        }

        var full = FullPath(directory);
        foreach (var child in Directory.EnumerateFileSystemEntries(full).ToList())
        {
            var relative = EntryPaths.Join(directory, Path.GetFileName(child));
            if (!_touchedThisLayer.Contains(relative))
            {
                Remove(relative);
            }
        }
    }

    private void Remove(string path)
    {
        var full = FullPath(path);
        switch (KindOf(path))
        {
            case FileKind.Directory:
                Directory.Delete(full, recursive: true);
                foreach (var below in _tree.Keys.Where(known => EntryPaths.IsSelfOrBelow(known, path)).ToList())
                {
                    _tree.Remove(below);
                }

                _directoryAttributes.Remove(path);
                break;
            case FileKind.None:
                break;
            default:
                File.Delete(full);
                _tree.Remove(path);
                break;
        }
    }

    private void Touch(string path)
    {
        _touchedThisLayer.Add(path);
    }

    private string FullPath(string relative) => relative.Length == 0 ? _root : _root + "/" + relative;

    private FileKind KindOf(string relative) => _tree.GetValueOrDefault(relative, FileKind.None);

    private LayerException Reject(LayerEntry entry, LayerProblem problem, string reason)
    {
        var layer = _layer!;
        return new LayerException(
            $"Entry '{entry.Name}' of layer '{layer.Descriptor.Digest}' of image '{layer.ImageName}' {reason}.",
            layer.ImageName, layer.Descriptor.Digest, entry.Name, problem);
    }

    private enum FileKind
    {
        None,
        File,
        Directory,
        Symlink,
    }
}
