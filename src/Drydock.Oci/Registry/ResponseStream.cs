namespace Drydock.Oci.Registry;

/// <summary>
/// A response body that disposes its response, releasing the connection, when disposed. A read
/// that fails because the connection broke, or because the body ended before its
/// Content-Length, is raised as an <see cref="IOException"/> that names the content, and so is
/// a read that receives nothing for <see cref="IdleTimeout"/>.
/// </summary>
/// <param name="inner">The body stream of <paramref name="response"/>.</param>
/// <param name="response">The response, disposed with the stream.</param>
/// <param name="content">The content for error messages, such as "blob 'sha256:…' of 'HOST/REPO'".</param>
internal sealed class ResponseStream(Stream inner, HttpResponseMessage response, string content) : Stream
{
    private long _bytesRead;

    /// <summary>How long one read may wait for data before it fails; infinite by default.</summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // A blocking read cannot be given a timeout, so it waits on the asynchronous one.
    public override int Read(Span<byte> buffer)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(IdleTimeout);
        try
        {
            return Count(await inner.ReadAsync(buffer, idle.Token).ConfigureAwait(false));
        }
        catch (IOException e)
        {
            throw Broken(e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Broken(new IOException($"No data arrived for {IdleTimeout.TotalSeconds:0} seconds.", e));
        }
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
            inner.Dispose();
            response.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _bytesRead += read;
        return read;
    }

    private IOException Broken(IOException error)
    {
        var expected = response.Content.Headers.ContentLength is { } length ? $" of {length}" : "";
        return new IOException(
            $"Reading {content} from '{response.RequestMessage?.RequestUri?.Authority}' failed after {_bytesRead}{expected} "
            + $"bytes: {error.Message} The connection broke or the registry sent less than it announced; "
            + "try again.", error);
    }
}
