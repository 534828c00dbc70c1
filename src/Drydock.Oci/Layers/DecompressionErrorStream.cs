using ZstdSharp;

namespace Drydock.Oci.Layers;

/// <summary>
/// Passes a decompressor's output through and hands the exceptions it raises on corrupt frames
/// to a callback that returns the layer error to throw instead. Without it, those errors reach
/// the caller while an entry's data is being read, with no layer or entry named.
/// </summary>
internal sealed class DecompressionErrorStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly Func<Exception, Exception> _onError;

    public DecompressionErrorStream(Stream inner, Func<Exception, Exception> onError)
    {
        _inner = inner;
        _onError = onError;
    }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _inner.Read(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or EndOfStreamException)
        {
            throw _onError(e);
        }
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
