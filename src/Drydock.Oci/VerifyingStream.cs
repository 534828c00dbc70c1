using System.Security.Cryptography;
using Drydock.Oci.Model;

namespace Drydock.Oci;

/// <summary>
/// A read-only stream that hashes and counts what passes through it and, at the end of the
/// content, throws unless size and digest equal the expected ones. Reading past the expected
/// size fails at once, so a hostile source cannot make a reader consume more than was declared.
/// Over a seekable stream it can be rewound to the start, which restarts the verification, so
/// that an upload can be sent again.
/// </summary>
public sealed class VerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly Digest? _expectedDigest;
    private readonly long? _expectedSize;
    private readonly Func<Digest?, long, Exception> _mismatch;
    private readonly IncrementalHash _hash;
    private readonly long _innerStart;
    private long _position;
    private bool _finished;

    /// <summary>
    /// Creates a stream that throws <see cref="DigestMismatchException"/> unless the content has
    /// the descriptor's size and digest.
    /// </summary>
    /// <param name="inner">The content; disposed with this stream.</param>
    /// <param name="descriptor">The expected digest and size.</param>
    /// <param name="sourceName">The image or file the content came from, for error messages.</param>
    public VerifyingStream(Stream inner, Descriptor descriptor, string sourceName)
        : this(inner, descriptor.Digest, descriptor.Size,
            (actual, length) => DescriptorMismatch(descriptor, sourceName, actual, length))
    {
    }

    /// <summary>
    /// Creates a stream that checks whichever of digest and size is given, and with neither only
    /// computes the digest. On a mismatch it throws what <paramref name="mismatch"/> makes from
    /// the digest read (null when it was not computed or the content ran past the size) and the
    /// number of bytes read.
    /// </summary>
    internal VerifyingStream(
        Stream inner, Digest? expectedDigest, long? expectedSize, Func<Digest?, long, Exception> mismatch)
    {
        _inner = inner;
        _expectedDigest = expectedDigest;
        _expectedSize = expectedSize;
        _mismatch = mismatch;
        _hash = expectedDigest?.CreateHasher() ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _innerStart = CanSeek ? inner.Position : 0;
    }

    /// <summary>
    /// When false, only the size is checked: for content that a lower stream already verifies
    /// against the same digest, so that it is not hashed twice.
    /// </summary>
    internal bool ComputeDigest { get; init; } = true;

    /// <summary>The digest of everything read, set once the content has ended.</summary>
    internal Digest? ComputedDigest { get; private set; }

    /// <summary>Bytes read so far.</summary>
    internal long BytesRead => _position;

    public override bool CanRead => true;

    public override bool CanSeek => _expectedSize is not null && _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _expectedSize ?? throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => Rewind(value);
    }

    /// <summary>Returns whether this stream checks both the digest and the size of a descriptor.</summary>
    internal bool Verifies(Descriptor descriptor) =>
        ComputeDigest && _expectedDigest == descriptor.Digest && _expectedSize == descriptor.Size;

    public override int Read(byte[] buffer, int offset, int count) =>
        Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer[..LimitLength(buffer.Length)]);
        return Account(buffer[..read], buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer[..LimitLength(buffer.Length)], cancellationToken)
            .ConfigureAwait(false);
        return Account(buffer.Span[..read], buffer.Length);
    }

    /// <summary>Reads the content to its end, so that it is verified.</summary>
    internal void Drain()
    {
        var buffer = new byte[81920];
        while (Read(buffer) > 0)
        {
        }
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
        if (position != 0 || !CanSeek)
        {
            throw new NotSupportedException("A verifying stream can only be rewound to its start.");
        }

        _inner.Position = _innerStart;
        _position = 0;
        _finished = false;
        ComputedDigest = null;
        _hash.GetHashAndReset(stackalloc byte[SHA512.HashSizeInBytes]);
    }

    // Asks the inner stream for one byte more than the remaining size, so content that runs
    // past the expected size is noticed without reading it all.
    private int LimitLength(int length)
    {
        if (_expectedSize is not { } size)
        {
            return length;
        }

        var remaining = size - _position + 1;
        return (int)Math.Min(length, Math.Max(remaining, 0));
    }

    // A read of zero bytes into a non-empty buffer is the end of the content.
    private int Account(ReadOnlySpan<byte> data, int requested)
    {
        _position += data.Length;
        if (_position > _expectedSize)
        {
            _finished = true;
            throw _mismatch(null, _position);
        }

        if (ComputeDigest)
        {
            _hash.AppendData(data);
        }

        if (data.Length == 0 && requested > 0 && !_finished)
        {
            Finish();
        }

        return data.Length;
    }

    private void Finish()
    {
        _finished = true;
        if (ComputeDigest)
        {
            Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
            var length = _hash.GetHashAndReset(hash);
            ComputedDigest = _expectedDigest is { Algorithm: "sha512" }
                ? Digest.Parse("sha512:" + Convert.ToHexStringLower(hash[..length]))
                : Digest.FromSha256(hash[..length]);
        }

        var sizeDiffers = _expectedSize is { } size && size != _position;
        var digestDiffers = ComputedDigest is { } actual && _expectedDigest is { } expected && actual != expected;
        if (sizeDiffers || digestDiffers)
        {
            throw _mismatch(ComputedDigest, _position);
        }
    }

    private static DigestMismatchException DescriptorMismatch(
        Descriptor descriptor, string sourceName, Digest? actual, long length)
    {
        if (length > descriptor.Size)
        {
            return new DigestMismatchException(
                $"Blob '{descriptor.Digest}' from '{sourceName}' is longer than the {descriptor.Size} "
                + "bytes its descriptor declares. The source is corrupt or was changed; fetch it again.");
        }

        if (length != descriptor.Size)
        {
            return new DigestMismatchException(
                $"Blob '{descriptor.Digest}' from '{sourceName}' ended after {length} bytes, but its "
                + $"descriptor declares {descriptor.Size}. The source is truncated; fetch it again.");
        }

        return new DigestMismatchException(
            $"Blob from '{sourceName}' has digest '{actual}', but its descriptor names "
            + $"'{descriptor.Digest}'. The source is corrupt; fetch it again.");
    }
}
