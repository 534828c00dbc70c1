namespace Drydock.Packages.Deb;

/// <summary>
/// A read-only window of a fixed length over a forward-only stream. Reading past the end of
/// the underlying stream before the window is complete raises the error the owner supplies.
/// </summary>
internal sealed class SubStream(Stream inner, long length, Func<Exception> truncated) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var remaining = length - _position;
        if (remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, remaining)]);
        if (read == 0)
        {
            throw truncated();
        }

        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = length - _position;
        if (remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, remaining)], cancellationToken)
            .ConfigureAwait(false);
        if (read == 0)
        {
            throw truncated();
        }

        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads and discards what is left of the window.</summary>
    public void SkipRest()
    {
        if (inner.CanSeek)
        {
            var remaining = length - _position;
            if (inner.Position + remaining > inner.Length)
            {
                throw truncated();
            }

            inner.Seek(remaining, SeekOrigin.Current);
            _position = length;
            return;
        }

        var buffer = new byte[81920];
        while (Read(buffer) > 0)
        {
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
