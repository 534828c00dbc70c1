using System.Formats.Tar;

namespace Drydock.Packages.Deb;

/// <summary>
/// One entry of a package's data.tar after the path checks. <see cref="Content"/> is valid only
/// until the next entry is read.
/// </summary>
internal sealed record DebDataEntry(
    string Path,
    TarEntryType Type,
    long Length,
    UnixFileMode Mode,
    DateTimeOffset ModificationTime,
    string? LinkTarget,
    Stream? Content)
{
    public bool IsDirectory => Type == TarEntryType.Directory;

    public bool IsRegularFile => Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile;
}
