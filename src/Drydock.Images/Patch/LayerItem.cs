using System.Formats.Tar;

namespace Drydock.Images.Patch;

/// <summary>
/// One entry of the patch layer: a file, directory, link or whiteout at a root-relative path. A
/// regular file's content is <see cref="Content"/> when held in memory, else <see cref="Spooled"/>.
/// </summary>
internal sealed record LayerItem(
    string Path,
    TarEntryType Type,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    DateTimeOffset ModificationTime,
    string? LinkTarget = null,
    byte[]? Content = null,
    SpooledContent? Spooled = null)
{
    public const UnixFileMode FileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>A regular file owned by root with mode 0644, as dpkg writes its database.</summary>
    public static LayerItem File(string path, byte[] content, DateTimeOffset time) =>
        new(path, TarEntryType.RegularFile, FileMode, 0, 0, time, null, content);

    /// <summary>A whiteout deleting <paramref name="path"/> (OCI image spec v1.1, layer.md).</summary>
    public static LayerItem Whiteout(string path, DateTimeOffset time)
    {
        var slash = path.LastIndexOf('/');
        var name = slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..];
        return new(name, TarEntryType.RegularFile, 0, 0, 0, time, null, []);
    }
}
