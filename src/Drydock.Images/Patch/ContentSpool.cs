using Microsoft.Win32.SafeHandles;

namespace Drydock.Images.Patch;

/// <summary>A file's content stored in a <see cref="ContentSpool"/>.</summary>
internal sealed record SpooledContent(ContentSpool Spool, long Offset, long Length)
{
    public Stream OpenRead() => Spool.OpenRead(this);
}

/// <summary>
/// A temporary file that stores the contents of package files between reading the .deb and
/// writing the layer, so that each package is decompressed once and its files are not held in
/// memory. The file is deleted when the spool is disposed or the process ends.
/// </summary>
internal sealed class ContentSpool : IDisposable
{
    private const int BufferSize = 1 << 16;

    private readonly SafeFileHandle _handle;
    private long _length;

    public ContentSpool(string directory)
    {
        var path = Path.Combine(directory, $"patch-spool-{Guid.NewGuid():N}.tmp");
        _handle = File.OpenHandle(
            path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
    }

    /// <summary>Copies <paramref name="length"/> bytes of a stream to the end of the spool.</summary>
    /// <exception cref="EndOfStreamException">The stream ends before <paramref name="length"/> bytes.</exception>
    public SpooledContent Add(Stream source, long length)
    {
        // Each caller reserves its range first, so packages may be spooled from several threads.
        var start = Interlocked.Add(ref _length, length) - length;
        var buffer = new byte[(int)Math.Min(BufferSize, Math.Max(length, 1))];
        for (long done = 0; done < length;)
        {
            var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length - done));
            if (read == 0)
            {
                throw new EndOfStreamException($"The content ended after {done} of {length} bytes.");
            }

            RandomAccess.Write(_handle, buffer.AsSpan(0, read), start + done);
            done += read;
        }

        return new SpooledContent(this, start, length);
    }

    public void Dispose() => _handle.Dispose();

    internal Stream OpenRead(SpooledContent content) => new SpoolReader(_handle, content.Offset, content.Length);

    // Seekable because TarWriter takes the entry size from a seekable data stream's length.
    private sealed class SpoolReader(SafeFileHandle handle, long start, long size) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => size;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, size - _position);
            if (count <= 0)
            {
                return 0;
            }

            var read = RandomAccess.Read(handle, buffer[..count], start + _position);
            if (read == 0)
            {
                throw new EndOfStreamException($"The spool ended {size - _position} bytes before the content did.");
            }

            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => size + offset,
            };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
