using Drydock.Oci.Model;

namespace Drydock.Oci.Cache;

/// <summary>
/// Tees what is read into a temporary file of the blob cache and publishes the file when the
/// verified content ends; disposing before the end deletes the temporary file.
/// </summary>
internal sealed class WriteThroughStream : Stream
{
    private readonly BlobCache _cache;
    private readonly Descriptor _descriptor;
    private readonly Stream _inner;
    private FileStream? _temporary;
    private string? _temporaryPath;
    private bool _published;

    public WriteThroughStream(BlobCache cache, Descriptor descriptor, Stream inner)
    {
        _cache = cache;
        _descriptor = descriptor;
        _inner = inner;
        _temporary = cache.CreateTemporary(out var path);
        _temporaryPath = path;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _descriptor.Size;

    public override long Position
    {
        get => _inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        if (read == 0)
        {
            Publish();
            return 0;
        }

        _temporary?.Write(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            await PublishAsync().ConfigureAwait(false);
            return 0;
        }

        if (_temporary is not null)
        {
            await _temporary.WriteAsync(buffer[..read], cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            Discard();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        Discard();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Publish()
    {
        if (_published || _temporary is null)
        {
            return;
        }

        _temporary.Dispose();
        _temporary = null;
        _cache.Publish(_temporaryPath!, _descriptor.Digest);
        _published = true;
    }

    private async ValueTask PublishAsync()
    {
        if (_temporary is not null)
        {
            await _temporary.FlushAsync().ConfigureAwait(false);
        }

        Publish();
    }

    private void Discard()
    {
        _temporary?.Dispose();
        _temporary = null;
        if (!_published && _temporaryPath is not null)
        {
            File.Delete(_temporaryPath);
            _temporaryPath = null;
        }
    }
}
