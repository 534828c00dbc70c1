using System.Formats.Tar;
using System.Text;
using Drydock.Packages.Deb822;

namespace Drydock.Packages.Deb;

/// <summary>
/// Reads a .deb as dpkg-deb 1.22 does (deb(5)): the ar member <c>debian-binary</c> with format
/// 2.x, then <c>control.tar</c> and <c>data.tar</c>, each plain or compressed with gzip, xz or
/// zstd. Members whose names start with <c>_</c> are skipped as deb(5) reserves them. The
/// archive is read forward once, so it works on a download stream.
/// </summary>
internal sealed class DebArchiveReader : IDisposable
{
    /// <summary>The limit on the unpacked control archive; real ones are a few kilobytes to a few hundred.</summary>
    public const long MaxControlSize = 16 * 1024 * 1024;

    private readonly ArReader _ar;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly XzDecoder _xzDecoder;
    private bool _dataRead;

    private DebArchiveReader(Stream stream, string fileName, bool ownsStream, XzDecoder xzDecoder)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _xzDecoder = xzDecoder;
        FileName = fileName;
        _ar = new ArReader(stream, fileName);
    }

    public string FileName { get; }

    /// <summary>The control part, read when the archive was opened.</summary>
    public DebPackage Package { get; private set; } = null!;

    /// <summary>Opens a .deb file and reads its control part.</summary>
    public static DebArchiveReader Open(string path, XzDecoder xzDecoder = XzDecoder.Automatic)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Open(stream, path, xzDecoder, ownsStream: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads the control part of a .deb from a stream positioned at its start.</summary>
    /// <exception cref="InvalidDataException">The archive or its control part is malformed.</exception>
    public static DebArchiveReader Open(
        Stream stream, string fileName, XzDecoder xzDecoder = XzDecoder.Automatic, bool ownsStream = false)
    {
        var reader = new DebArchiveReader(stream, fileName, ownsStream, xzDecoder);
        reader.ReadControlPart();
        return reader;
    }

    /// <summary>
    /// Streams the entries of data.tar after checking each path (see <see cref="DebEntryPaths"/>).
    /// Can be called once.
    /// </summary>
    /// <exception cref="IOException">An entry would land outside the root.</exception>
    /// <exception cref="InvalidDataException">The data member is missing or malformed.</exception>
    public IEnumerable<DebDataEntry> ReadDataEntries()
    {
        if (_dataRead)
        {
            throw new InvalidOperationException("The data archive of a .deb can be read only once.");
        }

        _dataRead = true;
        var member = NextMember() ?? throw Malformed("has no data.tar member");
        var compression = DebCompression.FromMemberName(member.Name, "data.tar")
            ?? throw Malformed($"has the member '{member.Name}' where data.tar was expected");
        return ReadTar(member, compression);
    }

    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private IEnumerable<DebDataEntry> ReadTar(ArMember member, string compression)
    {
        var paths = new DebEntryPaths(FileName);
        using var decompressed = DebCompression.Open(member.Content, compression, Describe(member), _xzDecoder);
        using var tar = new TarReader(decompressed, leaveOpen: true);
        while (NextTarEntry(tar, member) is { } entry)
        {
            var path = paths.CheckName(entry.Name);
            string? target = null;
            switch (entry.EntryType)
            {
                case TarEntryType.SymbolicLink:
                    paths.AddSymbolicLink(path, entry.Name, entry.LinkName);
                    target = entry.LinkName;
                    break;
                case TarEntryType.HardLink:
                    target = paths.CheckHardLink(entry.Name, entry.LinkName);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    paths.AddFile(path);
                    break;
            }

            var posix = entry as PosixTarEntry;
            yield return new DebDataEntry(
                path, entry.EntryType, entry.Length, entry.Mode, entry.ModificationTime, target, entry.DataStream,
                entry.Uid, entry.Gid, posix?.UserName ?? "", posix?.GroupName ?? "");
        }

        // Reading to the end makes the decompressor verify its checksum and end marker, and the
        // ar reader notice a member cut short after the tar end-of-archive blocks.
        DrainToEnd(decompressed, member);
    }

    private void DrainToEnd(Stream decompressed, ArMember member)
    {
        try
        {
            decompressed.CopyTo(Stream.Null);
        }
        catch (Exception error) when (error is FormatException or EndOfStreamException
            or SharpCompress.Common.SharpCompressException or ZstdSharp.ZstdException)
        {
            throw new InvalidDataException(
                $"The package '{FileName}' has a damaged member '{member.Name}': {error.Message}", error);
        }
    }

    private TarEntry? NextTarEntry(TarReader tar, ArMember member)
    {
        try
        {
            return tar.GetNextEntry();
        }
        catch (Exception error) when (error is InvalidDataException or FormatException or EndOfStreamException
            or SharpCompress.Common.SharpCompressException or ZstdSharp.ZstdException)
        {
            throw new InvalidDataException(
                $"The package '{FileName}' has a damaged member '{member.Name}': {error.Message}", error);
        }
    }

    private void ReadControlPart()
    {
        _ar.ReadMagic();
        var binary = NextMember();
        if (binary is null || binary.Name != "debian-binary")
        {
            throw Malformed($"starts with the member '{binary?.Name}' instead of 'debian-binary'");
        }

        var formatVersion = ReadFormatVersion(binary);
        var control = NextMember() ?? throw Malformed("has no control.tar member");
        var compression = DebCompression.FromMemberName(control.Name, "control.tar")
            ?? throw Malformed($"has the member '{control.Name}' where control.tar was expected");
        var files = ReadControlFiles(control, compression);
        if (!files.TryGetValue("control", out var controlBytes))
        {
            throw Malformed($"has no 'control' file in its member '{control.Name}'");
        }

        var paragraphs = Deb822Reader.Parse(Encoding.UTF8.GetString(controlBytes));
        if (paragraphs.Count != 1 || paragraphs[0].Errors.Count > 0)
        {
            var problem = paragraphs.Count != 1
                ? $"{paragraphs.Count} paragraphs instead of one"
                : $"line {paragraphs[0].Errors[0].LineNumber}: {paragraphs[0].Errors[0].Message}";
            throw Malformed($"has a malformed control file ({problem})");
        }

        Package = new DebPackage
        {
            FileName = FileName,
            FormatVersion = formatVersion,
            ControlCompression = compression,
            Control = paragraphs[0],
            ControlFiles = files,
        };
    }

    private string ReadFormatVersion(ArMember member)
    {
        if (member.Size > 64)
        {
            throw Malformed($"has a debian-binary member of {member.Size} bytes");
        }

        var buffer = new byte[member.Size];
        member.Content.ReadExactly(buffer);
        var text = Encoding.ASCII.GetString(buffer);

        // deb(5): the first line is the format version, 2.0 today; dpkg reads any 2.x.
        var version = text.Split('\n')[0];
        if (!version.StartsWith("2.", StringComparison.Ordinal) || !text.Contains('\n', StringComparison.Ordinal))
        {
            throw Malformed($"has the unsupported format version '{version.Trim()}' in debian-binary (expected 2.x)");
        }

        return version;
    }

    private Dictionary<string, byte[]> ReadControlFiles(ArMember member, string compression)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        using var decompressed = DebCompression.Open(member.Content, compression, Describe(member), _xzDecoder);
        using var tar = new TarReader(decompressed, leaveOpen: true);
        while (NextTarEntry(tar, member) is { } entry)
        {
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || name.Length == 0)
            {
                continue;
            }

            if (name.Contains('/', StringComparison.Ordinal))
            {
                throw Malformed($"has the control entry '{entry.Name}' in a subdirectory, which dpkg does not allow");
            }

            total += entry.Length;
            if (total > MaxControlSize)
            {
                throw Malformed($"has a control archive larger than {MaxControlSize} bytes");
            }

            var bytes = new byte[entry.Length];
            entry.DataStream?.ReadExactly(bytes);
            files[name] = bytes;
        }

        DrainToEnd(decompressed, member);
        return files;
    }

    private ArMember? NextMember()
    {
        while (_ar.Next() is { } member)
        {
            if (!member.Name.StartsWith('_'))
            {
                return member;
            }
        }

        return null;
    }

    private string Describe(ArMember member) => $"{FileName}:{member.Name}";

    private InvalidDataException Malformed(string problem) =>
        new($"The package '{FileName}' {problem}. The file is damaged or not a .deb.");
}
