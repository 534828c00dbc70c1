using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Drydock.Images.Patch;

/// <summary>One entry of a .deb's data.tar, with its content held in memory.</summary>
internal sealed record DebEntry(
    string Path, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, DateTimeOffset ModificationTime,
    string? LinkTarget, byte[] Content);

/// <summary>
/// A .deb read whole (deb(5) of dpkg 1.22): the ar members <c>debian-binary</c>,
/// <c>control.tar</c> and <c>data.tar</c>, each plain or compressed with gzip, xz or zstd.
/// </summary>
// NOTE: a stop-gap reader that keeps the whole package in memory; the streaming reader of
// Drydock.Packages.Deb replaces it once that one is public.
internal sealed class DebFile
{
    private const long MaxMemberSize = 512L * 1024 * 1024;

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

    /// <exception cref="InvalidDataException">The archive is malformed.</exception>
    /// <exception cref="IOException">An entry would land outside the root.</exception>
    public static DebFile Read(string path)
    {
        using var stream = File.OpenRead(path);
        var members = ReadAr(stream, path);
        if (!members.TryGetValue("debian-binary", out var version)
            || !Encoding.ASCII.GetString(version).StartsWith("2.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The package '{path}' is not a .deb of format 2.x.");
        }

        var control = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in ReadTar(Member(members, "control.tar", path), path))
        {
            if (entry.Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.Path.Length > 0)
            {
                control[entry.Path] = entry.Content;
            }
        }

        if (!control.ContainsKey("control"))
        {
            throw new InvalidDataException($"The package '{path}' has no control file in its control.tar.");
        }

        return new DebFile(path, control, ReadTar(Member(members, "data.tar", path), path));
    }

    private static Dictionary<string, byte[]> ReadAr(Stream stream, string path)
    {
        var magic = new byte[8];
        stream.ReadExactly(magic);
        if (Encoding.ASCII.GetString(magic) != "!<arch>\n")
        {
            throw new InvalidDataException($"The package '{path}' is not an ar archive.");
        }

        var members = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var header = new byte[60];
        while (stream.Read(header, 0, 1) == 1)
        {
            stream.ReadExactly(header, 1, 59);
            var name = Encoding.ASCII.GetString(header, 0, 16).TrimEnd(' ', '/');
            var sizeText = Encoding.ASCII.GetString(header, 48, 10).Trim();
            if (!long.TryParse(sizeText, out var size) || size < 0 || size > MaxMemberSize)
            {
                throw new InvalidDataException($"The ar member '{name}' of '{path}' has the invalid size '{sizeText}'.");
            }

            var content = new byte[size];
            stream.ReadExactly(content);
            if (size % 2 == 1)
            {
                stream.ReadByte();
            }

            members[name] = content;
        }

        return members;
    }

    private static (string Name, byte[] Content) Member(Dictionary<string, byte[]> members, string prefix, string path)
    {
        foreach (var (name, content) in members)
        {
            if (name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal))
            {
                return (name, content);
            }
        }

        throw new InvalidDataException($"The package '{path}' has no {prefix} member.");
    }

    private static List<DebEntry> ReadTar((string Name, byte[] Content) member, string path)
    {
        using var raw = new MemoryStream(member.Content);
        using Stream decompressed = Path.GetExtension(member.Name) switch
        {
            ".tar" => raw,
            ".gz" => new GZipStream(raw, CompressionMode.Decompress),
            ".xz" => new XZStream(raw),
            ".zst" => new DecompressionStream(raw),
            var other => throw new InvalidDataException(
                $"The member '{member.Name}' of '{path}' uses the unknown compression '{other}'."),
        };
        using var tar = new TarReader(decompressed);
        var entries = new List<DebEntry>();
        while (tar.GetNextEntry() is { } entry)
        {
            var name = CheckedPath(entry.Name, path);
            var link = entry.EntryType == TarEntryType.HardLink ? CheckedPath(entry.LinkName, path) : entry.LinkName;
            var content = new byte[entry.DataStream?.Length ?? 0];
            entry.DataStream?.ReadExactly(content);
            entry.DataStream?.Dispose();
            entries.Add(new DebEntry(
                name, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime,
                string.IsNullOrEmpty(link) ? null : link, content));
        }

        return entries;
    }

    private static string CheckedPath(string name, string path)
    {
        if (name.Split('/').Contains(".."))
        {
            throw new IOException($"The entry '{name}' of the package '{path}' climbs out of the root.");
        }

        return RootPaths.Normalise(name);
    }
}
