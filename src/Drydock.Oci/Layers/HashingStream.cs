using System.Security.Cryptography;

namespace Drydock.Oci.Layers;

/// <summary>
/// Hashes and counts the bytes read through it. When the inner stream ends, the digest and
/// optionally the size are compared with the expected ones and a mismatch is reported through
/// the given callback, which throws.
/// </summary>
internal sealed class HashingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly Digest? _expected;
    private readonly long? _expectedSize;
    private readonly Action<Digest, long> _onMismatch;
    private readonly IncrementalHash _hash;
    private bool _finished;

    public HashingStream(Stream inner, Digest? expected, long? expectedSize, Action<Digest, long> onMismatch)
    {
        _inner = inner;
        _expected = expected;
        _expectedSize = expectedSize;
        _onMismatch = onMismatch;
        _hash = expected?.CreateHasher() ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// When false, only the size is checked: for content that a lower stream already verifies
    /// against the same digest, so that it is not hashed twice.
    /// </summary>
    public bool ComputeDigest { get; init; } = true;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The digest of everything read, set once the inner stream has ended.</summary>
    public Digest? Digest { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        if (read > 0)
        {
            BytesRead += read;
            if (ComputeDigest)
            {
                _hash.AppendData(buffer[..read]);
            }

            if (BytesRead > _expectedSize)
            {
                Finish(force: true);
            }
        }
        else if (buffer.Length > 0)
        {
            Finish(force: false);
        }

        return read;
    }

    /// <summary>Reads the inner stream to its end, so that the digest is checked.</summary>
    public void Drain()
    {
        var buffer = new byte[81920];
        while (Read(buffer) > 0)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Finish(bool force)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (!ComputeDigest)
        {
            if (force || (_expectedSize is { } expectedSize && expectedSize != BytesRead))
            {
                _onMismatch(_expected ?? default, BytesRead);
            }

            return;
        }

        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var length = _hash.GetHashAndReset(hash);
        var actual = _expected is { Algorithm: "sha512" }
            ? Oci.Digest.Parse("sha512:" + Convert.ToHexStringLower(hash[..length]))
            : Oci.Digest.FromSha256(hash[..length]);
        Digest = actual;
        var sizeDiffers = _expectedSize is { } size && size != BytesRead;
        if (force || sizeDiffers || (_expected is { } expected && expected != actual))
        {
            _onMismatch(actual, BytesRead);
        }
    }
}
