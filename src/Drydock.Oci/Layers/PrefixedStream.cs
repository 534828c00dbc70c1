namespace Drydock.Oci.Layers;

/// <summary>Returns a few bytes already read, then the rest of the inner stream.</summary>
internal sealed class PrefixedStream : ReadOnlyStream
{
    private readonly byte[] _prefix;
    private readonly Stream _inner;
    private int _offset;

    public PrefixedStream(byte[] prefix, Stream inner)
    {
        _prefix = prefix;
        _inner = inner;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_offset < _prefix.Length)
        {
            var count = Math.Min(buffer.Length, _prefix.Length - _offset);
            _prefix.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        return _inner.Read(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
