using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Drydock.Oci.Layers;

/// <summary>
/// Reads a stream ahead on a thread of its own, a few blocks at a time, so that decompressing
/// a layer and parsing its tar entries run on two cores. An error of the inner stream is raised
/// to the reader as it was thrown, at the point of the stream where it happened.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    // Blocks stay below the large object heap threshold (85,000 bytes) and are reused.
    private const int BlockSize = 64 * 1024;
    private const int Depth = 8;

    private readonly Stream _inner;
    private readonly BlockingCollection<(byte[] Block, int Length)> _filled = new(Depth);
    private readonly BlockingCollection<byte[]> _free = new(Depth + 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private ExceptionDispatchInfo? _error;
    private volatile int _producerThread;
    private byte[]? _current;
    private int _offset;
    private int _length;
    private long _position;

    public ReadAheadStream(Stream inner)
    {
        _inner = inner;
        for (var i = 0; i < Depth + 1; i++)
        {
            _free.Add(new byte[BlockSize]);
        }

        _producer = Task.Factory.StartNew(
            Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_offset == _length && !NextBlock())
        {
            return 0;
        }

        var count = Math.Min(buffer.Length, _length - _offset);
        _current!.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        _position += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>
    /// Stops reading ahead and waits until the inner stream is no longer read, so that another
    /// reader may take it over. Does nothing when called from the read-ahead thread itself.
    /// </summary>
    public void Stop()
    {
        if (Environment.CurrentManagedThreadId == _producerThread)
        {
            return;
        }

        _stop.Cancel();
        _producer.Wait(CancellationToken.None);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The producer must be stopped before the stream it reads is closed.
            Stop();
            _inner.Dispose();
            _stop.Dispose();
            _filled.Dispose();
            _free.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool NextBlock()
    {
        if (_current is not null)
        {
            _free.Add(_current);
            _current = null;
            _offset = _length = 0;
        }

        if (!_filled.TryTake(out var next, Timeout.Infinite))
        {
            _error?.Throw();
            return false;
        }

        (_current, _length, _offset) = (next.Block, next.Length, 0);
        return true;
    }

    private void Produce()
    {
        _producerThread = Environment.CurrentManagedThreadId;
        try
        {
            while (true)
            {
                var block = _free.Take(_stop.Token);
                var read = _inner.Read(block, 0, block.Length);
                if (read == 0)
                {
                    return;
                }

                _filled.Add((block, read), _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed before the end, so the rest of the stream is not read.
        }
        catch (Exception error)
        {
            _error = ExceptionDispatchInfo.Capture(error);
        }
        finally
        {
            _filled.CompleteAdding();
        }
    }
}
