using System.Buffers.Binary;
using System.Text;

namespace Drydock.Oci.Writing;

/// <summary>
/// Passes a tar stream through and makes the names of its PAX extended headers independent of
/// the writing process. .NET 10's TarWriter names each one <c>DIR/PaxHeaders.PID/NAME</c>
/// with its process id, so one layer written by two processes had two digests. Readers ignore
/// these names (POSIX.1-2008, pax "ustar Interchange Format"), so the id becomes 0.
/// </summary>
/// <remarks>
/// Written by hand because no tar package offers the option: the stream follows header and
/// data blocks as they go by and rewrites only the name and checksum of <c>x</c> and <c>g</c>
/// headers; every other byte is passed on unchanged.
/// </remarks>
internal sealed class PaxNameStream : Stream
{
    private const int BlockSize = 512;
    private static readonly byte[] _marker = "PaxHeaders."u8.ToArray();

    private readonly Stream _inner;
    private readonly byte[] _header = new byte[BlockSize];
    private int _headerFill;
    private long _dataLeft;

    public PaxNameStream(Stream inner)
    {
        _inner = inner;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var taken = Take(buffer, out var pass);
            if (pass == Pass.Data)
            {
                _inner.Write(buffer[..taken]);
            }
            else if (pass == Pass.Header)
            {
                _inner.Write(_header);
            }

            buffer = buffer[taken..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var taken = Take(buffer.Span, out var pass);
            if (pass == Pass.Data)
            {
                await _inner.WriteAsync(buffer[..taken], cancellationToken).ConfigureAwait(false);
            }
            else if (pass == Pass.Header)
            {
                await _inner.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            }

            buffer = buffer[taken..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private enum Pass
    {
        None,
        Data,
        Header,
    }

    // Consumes the start of buffer and returns how many bytes it used. Data bytes pass straight
    // through, while header bytes are collected until a whole block can be fixed and passed on.
    private int Take(ReadOnlySpan<byte> buffer, out Pass pass)
    {
        if (_dataLeft > 0)
        {
            var count = (int)Math.Min(_dataLeft, buffer.Length);
            _dataLeft -= count;
            pass = Pass.Data;
            return count;
        }

        var needed = Math.Min(BlockSize - _headerFill, buffer.Length);
        buffer[..needed].CopyTo(_header.AsSpan(_headerFill));
        _headerFill += needed;
        pass = Pass.None;
        if (_headerFill == BlockSize)
        {
            _headerFill = 0;
            Fix(_header);
            _dataLeft = Padded(Size(_header));
            pass = Pass.Header;
        }

        return needed;
    }

    private static void Fix(byte[] header)
    {
        if (header[156] is not ((byte)'x' or (byte)'g'))
        {
            return;
        }

        var name = header.AsSpan(0, 100);
        var start = name.IndexOf(_marker);
        if (start < 0)
        {
            return;
        }

        var digits = start + _marker.Length;
        var end = digits;
        while (end < name.Length && name[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        if (end == digits || (end == digits + 1 && name[digits] == (byte)'0'))
        {
            return;
        }

        var rest = name[end..].ToArray();
        name[digits] = (byte)'0';
        name[(digits + 1)..].Clear();
        rest.AsSpan(0, Math.Min(rest.Length, name.Length - digits - 1)).CopyTo(name[(digits + 1)..]);

        // The checksum is the byte sum of the header with its own field read as spaces.
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", header.AsSpan(148));
    }

    private static long Size(byte[] header)
    {
        if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            return 0;
        }

        var field = header.AsSpan(124, 12);
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256: the remaining bytes are a big-endian number.
            return BinaryPrimitives.ReadInt64BigEndian(field[4..]);
        }

        long size = 0;
        foreach (var b in field)
        {
            if (b is >= (byte)'0' and <= (byte)'7')
            {
                size = (size * 8) + (b - '0');
            }
            else if (size > 0 || b is not ((byte)' ' or 0))
            {
                break;
            }
        }

        return size;
    }

    private static long Padded(long size) => (size + BlockSize - 1) / BlockSize * BlockSize;
}
