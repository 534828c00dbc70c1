using System.Buffers.Text;
using System.Text;

namespace Drydock.Oci.Layers;

/// <summary>
/// Watches the 512-byte tar headers that pass through it on the way to the tar reader, so that
/// oversized pax extended headers and GNU long names are rejected before anything allocates
/// them, and a stream that ends inside a header or an entry is reported as truncated with the
/// entry's name. Layout as in POSIX.1-2017 pax "ustar Interchange Format" and GNU tar 1.35
/// "Basic Tar Format".
/// </summary>
internal sealed class TarHeaderGuard : ReadOnlyStream
{
    private const int BlockSize = 512;

    private readonly Stream _inner;
    private readonly int _maxHeaderSize;
    private readonly Action<LayerProblem, string?, string> _fail;
    private readonly byte[] _header = new byte[BlockSize];
    private int _headerFilled;
    private long _dataRemaining;
    private long _paddingRemaining;
    private MemoryStream? _capture;
    private char _captureType;
    private long? _paxSize;
    private string? _paxPath;
    private string? _gnuLongName;
    private bool _ended;

    public TarHeaderGuard(Stream inner, int maxHeaderSize, Action<LayerProblem, string?, string> fail)
    {
        _inner = inner;
        _maxHeaderSize = maxHeaderSize;
        _fail = fail;
    }

    /// <summary>The name of the entry whose header or data is being read, for error messages.</summary>
    public string? CurrentEntryName { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        if (read == 0 && buffer.Length > 0)
        {
            CheckComplete();
            return 0;
        }

        var rest = buffer[..read];
        while (!_ended && rest.Length > 0)
        {
            rest = rest[Consume(rest)..];
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Consume(ReadOnlySpan<byte> bytes)
    {
        if (_dataRemaining > 0)
        {
            var take = (int)Math.Min(_dataRemaining, bytes.Length);
            _capture?.Write(bytes[..take]);
            _dataRemaining -= take;
            if (_dataRemaining == 0)
            {
                FinishCapture();
            }

            return take;
        }

        if (_paddingRemaining > 0)
        {
            var skip = (int)Math.Min(_paddingRemaining, bytes.Length);
            _paddingRemaining -= skip;
            return skip;
        }

        var copy = Math.Min(BlockSize - _headerFilled, bytes.Length);
        bytes[..copy].CopyTo(_header.AsSpan(_headerFilled));
        _headerFilled += copy;
        if (_headerFilled == BlockSize)
        {
            _headerFilled = 0;
            OnHeader();
        }

        return copy;
    }

    private void OnHeader()
    {
        if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            // The end-of-archive marker; whatever follows is padding the reader ignores.
            _ended = true;
            return;
        }

        var type = (char)_header[156];
        var size = ParseSize(_header.AsSpan(124, 12));
        var isMeta = type is 'x' or 'g' or 'L' or 'K';
        CurrentEntryName = isMeta ? CurrentEntryName : _paxPath ?? _gnuLongName ?? HeaderName();
        if (isMeta && size > _maxHeaderSize)
        {
            _fail(LayerProblem.OversizedHeader, CurrentEntryName,
                $"a '{type}' extended header of {size} bytes exceeds the limit of {_maxHeaderSize} bytes");
        }

        if (!isMeta)
        {
            size = _paxSize ?? size;
            _paxSize = null;
            _paxPath = null;
            _gnuLongName = null;
            if (type is '1' or '2' or '3' or '4' or '5' or '6')
            {
                size = 0;
            }
        }

        _captureType = type;
        _capture = type is 'x' or 'L' ? new MemoryStream((int)size) : null;
        _dataRemaining = size;
        _paddingRemaining = (BlockSize - (size % BlockSize)) % BlockSize;
        if (size == 0)
        {
            FinishCapture();
        }
    }

    private void FinishCapture()
    {
        if (_capture is null)
        {
            return;
        }

        var bytes = _capture.ToArray();
        _capture = null;
        if (_captureType == 'L')
        {
            _gnuLongName = Encoding.UTF8.GetString(bytes).TrimEnd('\0');
            return;
        }

        ParsePaxRecords(bytes);
    }

    // Pax records are "LENGTH KEY=VALUE\n" where LENGTH counts the whole record.
    private void ParsePaxRecords(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            var space = bytes.IndexOf((byte)' ');
            if (space <= 0 || !Utf8Parser.TryParse(bytes[..space], out int length, out _)
                || length <= space || length > bytes.Length)
            {
                return;
            }

            var record = bytes[(space + 1)..length];
            bytes = bytes[length..];
            var equals = record.IndexOf((byte)'=');
            if (equals < 0)
            {
                continue;
            }

            var key = Encoding.UTF8.GetString(record[..equals]);
            var value = Encoding.UTF8.GetString(record[(equals + 1)..]).TrimEnd('\n');
            if (key == "size" && long.TryParse(value, out var size) && size >= 0)
            {
                _paxSize = size;
            }
            else if (key == "path")
            {
                _paxPath = value;
            }
        }
    }

    private void CheckComplete()
    {
        if (_ended || (_headerFilled == 0 && _dataRemaining == 0 && _paddingRemaining == 0))
        {
            return;
        }

        var where = _headerFilled > 0 ? "inside a tar header" : "inside the data of an entry";
        _fail(LayerProblem.Truncated, CurrentEntryName, $"the tar stream ends {where}");
    }

    private string HeaderName()
    {
        var name = CString(_header.AsSpan(0, 100));
        var isUstar = _header.AsSpan(257, 5).SequenceEqual("ustar"u8);
        var prefix = isUstar ? CString(_header.AsSpan(345, 155)) : string.Empty;
        return prefix.Length > 0 ? prefix + "/" + name : name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    // Sizes are octal text, or big-endian base-256 when the first byte has its top bit set
    // (a GNU extension for entries of 8 GiB and more).
    private long ParseSize(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x7f;
            foreach (var b in field[1..])
            {
                if (value > (long.MaxValue >> 8))
                {
                    _fail(LayerProblem.Malformed, HeaderName(), "the size field overflows");
                }

                value = (value << 8) | b;
            }

            return value;
        }

        long octal = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (octal > 0)
                {
                    break;
                }

                continue;
            }

            if (b is < (byte)'0' or > (byte)'7' || octal > (long.MaxValue >> 3))
            {
                _fail(LayerProblem.Malformed, HeaderName(), "the size field is not an octal number");
            }

            octal = (octal << 3) | (uint)(b - '0');
        }

        return octal;
    }
}
