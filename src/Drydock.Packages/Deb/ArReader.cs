using System.Text;

namespace Drydock.Packages.Deb;

/// <summary>One member of an ar archive, with a stream limited to its bytes.</summary>
internal sealed record ArMember(string Name, long Size, Stream Content);

/// <summary>
/// Reads the members of a common-format ar archive (the container of a .deb, deb(5) of dpkg
/// 1.22) in order, from a stream that need not be seekable. Every header is checked, so a
/// damaged or hostile archive stops with an <see cref="InvalidDataException"/> naming the file
/// and the member.
/// </summary>
internal sealed class ArReader
{
    private const string Magic = "!<arch>\n";
    private const int HeaderLength = 60;

    private readonly Stream _stream;
    private readonly string _fileName;
    private readonly byte[] _header = new byte[HeaderLength];
    private SubStream? _current;
    private string? _lastName;

    public ArReader(Stream stream, string fileName)
    {
        _stream = stream;
        _fileName = fileName;
    }

    /// <summary>Checks the global header; call once before <see cref="Next"/>.</summary>
    public void ReadMagic()
    {
        var magic = new byte[Magic.Length];
        var read = _stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (read < magic.Length || Encoding.ASCII.GetString(magic) != Magic)
        {
            throw new InvalidDataException(
                $"The package '{_fileName}' is not an ar archive: it does not start with '!<arch>'. " +
                "Check that the file is a .deb and was downloaded completely.");
        }
    }

    /// <summary>Returns the next member, or null at the end of the archive. The previous member's stream is skipped.</summary>
    public ArMember? Next()
    {
        if (_current is not null)
        {
            _current.SkipRest();
            if ((_current.Length & 1) == 1)
            {
                SkipPadding();
            }
        }

        var read = _stream.ReadAtLeast(_header, HeaderLength, throwOnEndOfStream: false);
        if (read == 0)
        {
            return null;
        }

        if (read < HeaderLength)
        {
            throw Error("is truncated inside the member header that follows", _lastName ?? "(start)");
        }

        var (name, size) = ParseHeader();
        _lastName = name;
        _current = new SubStream(_stream, size, () => Error($"is truncated: member is declared as {size} bytes", name));
        return new ArMember(name, size, _current);
    }

    private (string Name, long Size) ParseHeader()
    {
        var rawName = Encoding.ASCII.GetString(_header, 0, 16).TrimEnd(' ');

        // GNU ar ends names with '/'; dpkg accepts both spellings.
        var name = rawName.EndsWith('/') ? rawName[..^1] : rawName;
        if (_header[58] != '`' || _header[59] != '\n')
        {
            throw Error("has a damaged member header (the end marker is not '`\\n')", name);
        }

        if (name.Length == 0 || name.Any(c => c < 0x21 || c > 0x7e))
        {
            throw Error($"has a member with an invalid name '{rawName}'", rawName);
        }

        var sizeText = Encoding.ASCII.GetString(_header, 48, 10).TrimEnd(' ');
        if (sizeText.Length == 0 || !sizeText.All(char.IsAsciiDigit) || !long.TryParse(sizeText, out var size))
        {
            throw Error($"has an invalid member size '{sizeText}'", name);
        }

        return (name, size);
    }

    // Members start at even offsets. A missing padding byte after the last member is
    // tolerated; one missing in the middle misaligns the next header, which its check rejects.
    private void SkipPadding() => _stream.ReadByte();

    private InvalidDataException Error(string problem, string member) =>
        new($"The package '{_fileName}' {problem} (member '{member}'). The file is damaged or not a .deb.");
}
