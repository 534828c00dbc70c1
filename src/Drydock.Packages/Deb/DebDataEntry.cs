using System.Formats.Tar;

namespace Drydock.Packages.Deb;

/// <summary>
/// One entry of a package's data.tar after the path checks. <see cref="Content"/> is valid only
/// until the next entry is read. The owner is the one the package ships: numeric ids, and the
/// names dpkg maps to local ids where the target system knows them (empty in a V7 tar).
/// </summary>
internal sealed record DebDataEntry(
    string Path,
    TarEntryType Type,
    long Length,
    UnixFileMode Mode,
    DateTimeOffset ModificationTime,
    string? LinkTarget,
    Stream? Content,
    int Uid = 0,
    int Gid = 0,
    string UserName = "",
    string GroupName = "")
{
    public bool IsDirectory => Type == TarEntryType.Directory;

    public bool IsRegularFile => Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile;
}
