using System.Formats.Tar;
using System.Text;
using Drydock.Packages.Deb;

namespace Drydock.Images.Patch;

/// <summary>
/// One entry of a .deb's data.tar. A regular file's content is either held in
/// <see cref="Content"/>, for the files the patch reads, or stored in <see cref="Spooled"/>.
/// </summary>
internal sealed record DebEntry(
    string Path,
    TarEntryType Type,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    DateTimeOffset ModificationTime,
    string? LinkTarget,
    long Length,
    byte[]? Content = null,
    SpooledContent? Spooled = null)
{
    /// <summary>Returns the content, reading it from the spool when it is not held.</summary>
    public byte[] ReadContent()
    {
        if (Content is not null || Spooled is null)
        {
            return Content ?? [];
        }

        using var stream = Spooled.OpenRead();
        var content = new byte[Length];
        stream.ReadExactly(content);
        return content;
    }
}

/// <summary>
/// A .deb read once through <see cref="DebArchiveReader"/>: the control files in memory and the
/// entries of data.tar, whose file contents go to a <see cref="ContentSpool"/> unless the patch
/// reads them (conffiles and the files a caller names, such as shared libraries).
/// </summary>
internal sealed class DebFile
{
    private DebFile(string fileName, IReadOnlyDictionary<string, byte[]> control, IReadOnlyList<DebEntry> data)
    {
        FileName = fileName;
        ControlFiles = control;
        Data = data;
    }

    public string FileName { get; }

    /// <summary>The files of control.tar by name (<c>control</c>, <c>md5sums</c>, <c>postinst</c>...).</summary>
    public IReadOnlyDictionary<string, byte[]> ControlFiles { get; }

    /// <summary>The entries of data.tar in archive order, with normalised root-relative paths.</summary>
    public IReadOnlyList<DebEntry> Data { get; }

    /// <summary>The text of the control file.</summary>
    public string Control => Encoding.UTF8.GetString(ControlFiles["control"]);

    /// <summary>
    /// Reads a .deb, holding in memory the conffiles and the regular files for which
    /// <paramref name="hold"/> returns true, given the root-relative path and the size.
    /// </summary>
    /// <exception cref="InvalidDataException">The archive is malformed.</exception>
    /// <exception cref="IOException">An entry would land outside the root.</exception>
    public static DebFile Read(string path, ContentSpool spool, Func<string, long, bool> hold)
    {
        using var reader = DebArchiveReader.Open(path);
        var conffiles = reader.Package.Conffiles.Select(RootPaths.Normalise).ToHashSet(StringComparer.Ordinal);
        var data = new List<DebEntry>();
        foreach (var entry in reader.ReadDataEntries())
        {
            var item = new DebEntry(
                entry.Path, entry.Type, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime,
                string.IsNullOrEmpty(entry.LinkTarget) ? null : entry.LinkTarget, entry.IsRegularFile ? entry.Length : 0);
            if (entry.IsRegularFile && entry.Content is { } content)
            {
                item = conffiles.Contains(entry.Path) || hold(entry.Path, entry.Length)
                    ? item with { Content = ReadAll(content, entry.Length) }
                    : item with { Spooled = spool.Add(content, entry.Length) };
            }

            data.Add(item);
        }

        return new DebFile(path, reader.Package.ControlFiles, data);
    }

    private static byte[] ReadAll(Stream stream, long length)
    {
        var content = new byte[length];
        stream.ReadExactly(content);
        return content;
    }
}
