using System.Formats.Tar;
using Drydock.Oci.Layers;

namespace Drydock.Oci.Layout;

/// <summary>
/// Layout files inside an uncompressed tar archive, found by one scan of its headers and then
/// read in place, so nothing is extracted to disk.
/// </summary>
internal sealed class TarLayoutFiles : ILayoutFiles
{
    private readonly string _archive;
    private readonly Dictionary<string, (long Offset, long Length)> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);

    public TarLayoutFiles(string archive)
    {
        _archive = archive;
        using var stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                Index(entry);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"Archive '{archive}' is not a valid tar file: {e.Message}", e);
        }
    }

    public string Location => _archive;

    public bool Exists(string path) => Find(path) is not null;

    public long Length(string path) => Find(path)?.Length ?? throw NotFound(path);

    public Stream Open(string path)
    {
        var (offset, length) = Find(path) ?? throw NotFound(path);
        var stream = new FileStream(_archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
            FileOptions.SequentialScan);
        stream.Position = offset;
        return new RangeStream(stream, length);
    }

    public void Dispose()
    {
    }

    private void Index(TarEntry entry)
    {
        var path = EntryPaths.Normalize(entry.Name);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
        {
            _files[path] = (entry.DataOffset, entry.Length);
        }
        else if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            // docker save links identical layers to one another; links are followed inside the
            // archive only.
            var target = entry.EntryType == TarEntryType.SymbolicLink
                ? EntryPaths.Normalize(EntryPaths.Join(EntryPaths.Parent(path), entry.LinkName))
                : EntryPaths.Normalize(entry.LinkName);
            if (target is not null)
            {
                _links[path] = target;
            }
        }
    }

    private (long Offset, long Length)? Find(string path)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            if (_files.TryGetValue(path, out var file))
            {
                return file;
            }

            if (!_links.TryGetValue(path, out var target))
            {
                return null;
            }

            path = target;
        }

        return null;
    }

    private FileNotFoundException NotFound(string path) =>
        new($"Archive '{_archive}' has no file '{path}'. The archive is incomplete or not an image archive.",
            path);

    private sealed class RangeStream(Stream inner, long length) : ReadOnlyStream
    {
        private long _read;

        public override int Read(Span<byte> buffer)
        {
            var remaining = length - _read;
            if (remaining <= 0)
            {
                return 0;
            }

            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, remaining)]);
            if (read == 0)
            {
                throw new EndOfStreamException("The archive ends inside a file; it is truncated.");
            }

            _read += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
