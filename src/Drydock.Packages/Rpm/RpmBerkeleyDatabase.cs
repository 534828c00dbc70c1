using System.Buffers.Binary;

namespace Drydock.Packages.Rpm;

/// <summary>
/// Reads the header blobs of rpm's Berkeley DB backend: the <c>Packages</c> file, a hash
/// database whose keys are package numbers and whose values are headers, usually on overflow
/// pages. Only the on-disk format is read: the metadata page, then every hash page in file
/// order, following overflow chains. Integers are
/// in the byte order of the machine that wrote the file, found from the metadata magic.
/// </summary>
internal sealed class RpmBerkeleyDatabase
{
    private const uint HashMagic = 0x061561;
    private const int PageHeaderSize = 26;
    private const int MaxPageCount = 1 << 22;

    // Page types of Berkeley DB's page header; type 2 is the hash page before Berkeley DB 4.6.
    private const byte HashUnsortedPage = 2;
    private const byte OverflowPage = 7;
    private const byte HashMetaPage = 8;
    private const byte HashPage = 13;

    // Item types on hash pages.
    private const byte KeyData = 1;
    private const byte OffPage = 3;

    private readonly Stream _stream;
    private readonly string _path;
    private readonly bool _bigEndian;
    private readonly int _pageSize;
    private readonly uint _pageCount;

    private RpmBerkeleyDatabase(Stream stream, string path, bool bigEndian, int pageSize, uint pageCount)
    {
        _stream = stream;
        _path = path;
        _bigEndian = bigEndian;
        _pageSize = pageSize;
        _pageCount = pageCount;
    }

    /// <summary>Yields each package's number and header blob, in page order.</summary>
    /// <exception cref="InvalidDataException">The file is not an intact Berkeley DB hash database.</exception>
    public static List<(int Record, byte[] Blob)> ReadBlobs(Stream stream, string path)
    {
        using var seekable = stream.CanSeek ? null : CopyToMemory(stream);
        var database = Open(seekable ?? stream, path);
        return database.ReadAll();
    }

    private static RpmBerkeleyDatabase Open(Stream stream, string path)
    {
        var meta = new byte[512];
        if (stream.Length < meta.Length)
        {
            throw new InvalidDataException(
                $"The rpm database '{path}' is {stream.Length} bytes, too short for a Berkeley DB metadata page.");
        }

        stream.Position = 0;
        stream.ReadExactly(meta);
        bool bigEndian;
        if (BinaryPrimitives.ReadUInt32LittleEndian(meta.AsSpan(12)) == HashMagic)
        {
            bigEndian = false;
        }
        else if (BinaryPrimitives.ReadUInt32BigEndian(meta.AsSpan(12)) == HashMagic)
        {
            bigEndian = true;
        }
        else
        {
            throw new InvalidDataException(
                $"The rpm database '{path}' is not a Berkeley DB hash database (magic " +
                $"'0x{BinaryPrimitives.ReadUInt32LittleEndian(meta.AsSpan(12)):x}').");
        }

        var version = ReadUInt32(meta, 16, bigEndian);
        var pageSize = ReadUInt32(meta, 20, bigEndian);
        var lastPage = ReadUInt32(meta, 32, bigEndian);
        if (version is < 8 or > 10 || meta[25] != HashMetaPage || meta[24] != 0)
        {
            throw new InvalidDataException(
                $"The rpm database '{path}' has hash version '{version}', page type '{meta[25]}' and " +
                $"encryption '{meta[24]}'; only unencrypted hash versions 8 to 10 are read.");
        }

        if (pageSize is < 512 or > 65536 || !uint.IsPow2(pageSize) || lastPage >= MaxPageCount)
        {
            throw new InvalidDataException(
                $"The rpm database '{path}' declares page size '{pageSize}' and last page '{lastPage}'.");
        }

        if ((lastPage + 1L) * pageSize > stream.Length)
        {
            throw new InvalidDataException(
                $"The rpm database '{path}' is truncated: {lastPage + 1} pages of {pageSize} bytes " +
                $"need {(lastPage + 1L) * pageSize} bytes but the file has {stream.Length}.");
        }

        return new RpmBerkeleyDatabase(stream, path, bigEndian, (int)pageSize, lastPage + 1);
    }

    private List<(int, byte[])> ReadAll()
    {
        var blobs = new List<(int, byte[])>();
        var page = new byte[_pageSize];
        for (uint number = 1; number < _pageCount; number++)
        {
            ReadPage(number, page);
            if (page[25] is HashPage or HashUnsortedPage)
            {
                ReadHashPage(number, page, blobs);
            }
        }

        return blobs;
    }

    private void ReadHashPage(uint number, byte[] page, List<(int, byte[])> blobs)
    {
        var entries = ReadUInt16(page, 20);
        if (PageHeaderSize + (entries * 2) > _pageSize || entries % 2 != 0)
        {
            throw Corrupt(number, $"'{entries}' entries do not fit the page");
        }

        // Items are packed from the end of the page downwards, key then value.
        for (var i = 0; i < entries; i += 2)
        {
            var key = Item(number, page, i);
            var value = Item(number, page, i + 1);
            if (key[0] != KeyData || key.Length != 5)
            {
                throw Corrupt(number, $"key {i / 2} is not a 4-byte package number");
            }

            var record = ReadUInt32(key, 1, _bigEndian);

            // Package number 0 stores the highest number handed out so far, not a header.
            if (record == 0)
            {
                continue;
            }

            var blob = value[0] switch
            {
                KeyData => value[1..].ToArray(),
                OffPage when value.Length >= 12 => ReadOverflow(
                    ReadUInt32(value, 4, _bigEndian), ReadUInt32(value, 8, _bigEndian)),
                _ => throw Corrupt(number, $"the value of package '{record}' has item type '{value[0]}'"),
            };
            blobs.Add(((int)Math.Min(record, int.MaxValue), blob));
        }
    }

    private ReadOnlySpan<byte> Item(uint number, byte[] page, int index)
    {
        var start = ReadUInt16(page, PageHeaderSize + (index * 2));
        var end = index == 0 ? _pageSize : ReadUInt16(page, PageHeaderSize + ((index - 1) * 2));
        if (start < PageHeaderSize || start >= end || end > _pageSize)
        {
            throw Corrupt(number, $"item {index} spans bytes '{start}' to '{end}'");
        }

        return page.AsSpan(start, end - start);
    }

    private byte[] ReadOverflow(uint first, uint length)
    {
        // Check the claim against what the file can hold before allocating for it.
        if (length > RpmHeader.MaxBlobLength || length > (long)_pageCount * (_pageSize - PageHeaderSize))
        {
            throw Corrupt(first, $"an overflow value claims '{length}' bytes");
        }

        var blob = new byte[length];
        var page = new byte[_pageSize];
        var filled = 0;
        var number = first;
        for (var visited = 0; filled < blob.Length; visited++)
        {
            if (number == 0 || number >= _pageCount || visited >= _pageCount)
            {
                throw Corrupt(number, $"an overflow chain breaks after {filled} of {length} bytes");
            }

            ReadPage(number, page);
            var used = ReadUInt16(page, 22);
            if (page[25] != OverflowPage || used > _pageSize - PageHeaderSize || used > blob.Length - filled)
            {
                throw Corrupt(number, $"an overflow page of type '{page[25]}' holds '{used}' bytes");
            }

            page.AsSpan(PageHeaderSize, used).CopyTo(blob.AsSpan(filled));
            filled += used;
            number = ReadUInt32(page, 16, _bigEndian);
            if (used == 0 && filled < blob.Length)
            {
                throw Corrupt(number, "an overflow page is empty");
            }
        }

        return blob;
    }

    private void ReadPage(uint number, byte[] page)
    {
        _stream.Position = (long)number * _pageSize;
        _stream.ReadExactly(page);
    }

    private int ReadUInt16(ReadOnlySpan<byte> bytes, int offset) => _bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(bytes[offset..])
        : BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]);

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, int offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..])
        : BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);

    private InvalidDataException Corrupt(uint page, string problem) =>
        new($"The rpm database '{_path}' is corrupt at page {page}: {problem}.");

    private static MemoryStream CopyToMemory(Stream stream)
    {
        // NOTE: a stream that cannot seek is buffered whole; image views hand out seekable ones.
        var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }
}
