using System.Security.Cryptography;
using Drydock.Oci.Model;

namespace Drydock.Oci.Cache;

/// <summary>
/// A read-only stream that hashes and counts what passes through it and, at the end of the
/// content, throws <see cref="DigestMismatchException"/> unless size and digest equal the
/// descriptor's. Reading past the declared size fails at once, so a hostile source cannot
/// make a reader consume more than the descriptor promised. Over a seekable stream it can be
/// rewound to the start, which restarts the verification, so that an upload can be sent again.
/// </summary>
public sealed class VerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly Descriptor _descriptor;
    private readonly string _sourceName;
    private readonly IncrementalHash _hash;
    private readonly long _innerStart;
    private long _position;
    private bool _verified;

    /// <param name="inner">The content; disposed with this stream.</param>
    /// <param name="descriptor">The expected digest and size.</param>
    /// <param name="sourceName">The image or file the content came from, for error messages.</param>
    public VerifyingStream(Stream inner, Descriptor descriptor, string sourceName)
    {
        _inner = inner;
        _descriptor = descriptor;
        _sourceName = sourceName;
        _hash = descriptor.Digest.CreateHasher();
        _innerStart = inner.CanSeek ? inner.Position : 0;
    }

    public override bool CanRead => true;

    /// <summary>The digest and size the content must have.</summary>
    public Descriptor Descriptor => _descriptor;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _descriptor.Size;

    public override long Position
    {
        get => _position;
        set => Rewind(value);
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(Limit(buffer));
        return Account(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(Limit(buffer), cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (origin != SeekOrigin.Begin)
        {
            throw new NotSupportedException("A verifying stream can only be rewound to its start.");
        }

        Rewind(offset);
        return 0;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Rewind(long position)
    {
        if (position != 0 || !_inner.CanSeek)
        {
            throw new NotSupportedException("A verifying stream can only be rewound to its start.");
        }

        _inner.Position = _innerStart;
        _position = 0;
        _verified = false;
        _hash.GetHashAndReset(stackalloc byte[SHA512.HashSizeInBytes]);
    }

    // Asks the inner stream for one byte more than the remaining size, so content that runs
    // past the descriptor is noticed without reading it all.
    private Span<byte> Limit(Span<byte> buffer) => buffer[..LimitLength(buffer.Length)];

    private Memory<byte> Limit(Memory<byte> buffer) => buffer[..LimitLength(buffer.Length)];

    private int LimitLength(int length)
    {
        var remaining = _descriptor.Size - _position + 1;
        return (int)Math.Min(length, Math.Max(remaining, 0));
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        _position += data.Length;
        if (_position > _descriptor.Size)
        {
            throw new DigestMismatchException(
                $"Blob '{_descriptor.Digest}' from '{_sourceName}' is longer than the {_descriptor.Size} "
                + "bytes its descriptor declares. The source is corrupt or was changed; fetch it again.");
        }

        _hash.AppendData(data);
        if (data.Length == 0 && !_verified)
        {
            Verify();
        }

        return data.Length;
    }

    private void Verify()
    {
        _verified = true;
        if (_position != _descriptor.Size)
        {
            throw new DigestMismatchException(
                $"Blob '{_descriptor.Digest}' from '{_sourceName}' ended after {_position} bytes, but its "
                + $"descriptor declares {_descriptor.Size}. The source is truncated; fetch it again.");
        }

        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var length = _hash.GetHashAndReset(hash);
        if (!_descriptor.Digest.Matches(hash[..length]))
        {
            throw new DigestMismatchException(
                $"Blob from '{_sourceName}' has digest '{_descriptor.Digest.Algorithm}:"
                + $"{Convert.ToHexStringLower(hash[..length])}', but its descriptor names "
                + $"'{_descriptor.Digest}'. The source is corrupt; fetch it again.");
        }
    }
}
