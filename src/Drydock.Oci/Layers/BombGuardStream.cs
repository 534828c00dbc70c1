namespace Drydock.Oci.Layers;

/// <summary>
/// Counts decompressed bytes and stops a layer that expands beyond the absolute size limit or,
/// after a grace period, beyond the compression-ratio limit.
/// </summary>
internal sealed class BombGuardStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly Func<long> _compressedBytesRead;
    private readonly LayerLimits _limits;
    private readonly Action<string> _onBomb;

    public BombGuardStream(Stream inner, Func<long> compressedBytesRead, LayerLimits limits, Action<string> onBomb)
    {
        _inner = inner;
        _compressedBytesRead = compressedBytesRead;
        _limits = limits;
        _onBomb = onBomb;
    }

    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        BytesRead += read;
        if (BytesRead > _limits.MaxUncompressedSize)
        {
            _onBomb($"it expands beyond the limit of {_limits.MaxUncompressedSize} bytes");
        }

        if (BytesRead > _limits.RatioGracePeriod)
        {
            var ratio = (double)BytesRead / Math.Max(1, _compressedBytesRead());
            if (ratio > _limits.MaxCompressionRatio)
            {
                _onBomb($"it expands {ratio:F0} times its compressed size, beyond the limit of "
                    + $"{_limits.MaxCompressionRatio:F0}");
            }
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
}
