using Drydock.Oci.Model;

namespace Drydock.Oci.Transports;

/// <summary>Reports the bytes read of a blob about every mebibyte.</summary>
internal sealed class ProgressStream(Stream inner, Descriptor blob, IProgress<BlobProgress> progress) : Stream
{
    private const long ReportInterval = 1 << 20;

    private long _read;
    private long _reported;

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => blob.Size;

    public override long Position
    {
        get => _read;
        set
        {
            inner.Position = value;
            _read = value;
            _reported = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async Task<int> ReadAsync(
        byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin == SeekOrigin.Begin ? offset : throw new NotSupportedException();
        return offset;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read - _reported >= ReportInterval)
        {
            _reported = _read;
            progress.Report(new BlobProgress(blob, BlobState.Transferring, _read));
        }

        return read;
    }
}
