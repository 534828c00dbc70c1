namespace Drydock.Oci.Registry;

/// <summary>
/// A response body that disposes its response, releasing the connection, when disposed. A read
/// that fails because the connection broke, or because the body ended before its
/// Content-Length, is raised as an <see cref="IOException"/> that names the content.
/// </summary>
/// <param name="inner">The body stream of <paramref name="response"/>.</param>
/// <param name="response">The response, disposed with the stream.</param>
/// <param name="content">The content for error messages, such as "blob 'sha256:…' of 'HOST/REPO'".</param>
internal sealed class ResponseStream(Stream inner, HttpResponseMessage response, string content) : Stream
{
    private long _bytesRead;

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

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Count(inner.Read(buffer));
        }
        catch (IOException e)
        {
            throw Broken(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        }
        catch (IOException e)
        {
            throw Broken(e);
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
