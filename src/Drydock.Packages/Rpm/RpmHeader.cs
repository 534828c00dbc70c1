using System.Buffers.Binary;
using System.Text;

namespace Drydock.Packages.Rpm;

/// <summary>
/// An rpm header as the package databases store it: a count of index entries, the size of the
/// data store, the entries (tag, type, offset, count; 16 bytes each, big-endian) and the data.
/// Every offset and count is checked against the data store when the header is parsed, because
/// a database is untrusted input. Layout: rpm's <c>docs/manual/hregions.md</c> and
/// <c>lib/header_internal.h</c>.
/// </summary>
internal sealed class RpmHeader
{
    // rpm's lib/header_internal.h (hdrchkTags, hdrchkData) allows at most 0xffff entries and
    // under 16 MiB of data.
    private const int MaxEntries = 0xffff;
    private const int MaxDataLength = 0x00ffffff;
    private const int EntrySize = 16;

    /// <summary>The size of the largest header rpm accepts: preamble, entries and data.</summary>
    public const int MaxBlobLength = 8 + (MaxEntries * EntrySize) + MaxDataLength;

    private readonly byte[] _blob;
    private readonly int _dataStart;
    private readonly int _dataLength;
    private readonly Dictionary<int, Entry> _entries;

    private RpmHeader(byte[] blob, int dataStart, int dataLength, Dictionary<int, Entry> entries)
    {
        _blob = blob;
        _dataStart = dataStart;
        _dataLength = dataLength;
        _entries = entries;
    }

    /// <summary>Parses a header blob, checking every entry against the data store.</summary>
    /// <exception cref="InvalidDataException">The blob is not a well-formed header.</exception>
    public static RpmHeader Parse(byte[] blob)
    {
        if (blob.Length < 8)
        {
            throw new InvalidDataException($"The rpm header is {blob.Length} bytes, shorter than its 8-byte preamble.");
        }

        var entryCount = BinaryPrimitives.ReadInt32BigEndian(blob);
        var dataLength = BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(4));
        if (entryCount is < 1 or > MaxEntries || dataLength is < 0 or > MaxDataLength)
        {
            throw new InvalidDataException(
                $"The rpm header declares '{entryCount}' entries and '{dataLength}' data bytes, outside rpm's limits.");
        }

        var dataStart = 8 + (entryCount * EntrySize);
        if ((long)dataStart + dataLength > blob.Length)
        {
            throw new InvalidDataException(
                $"The rpm header needs {dataStart + (long)dataLength} bytes but the record has {blob.Length}.");
        }

        var entries = new Dictionary<int, Entry>(entryCount);
        for (var i = 0; i < entryCount; i++)
        {
            var entry = ReadEntry(blob.AsSpan(8 + (i * EntrySize), EntrySize));
            CheckBounds(blob.AsSpan(dataStart, dataLength), entry);

            // Entries outside the immutable region ("dribbles") replace earlier ones with the
            // same tag, as rpm's headerImport merges them.
            entries[entry.Tag] = entry;
        }

        return new RpmHeader(blob, dataStart, dataLength, entries);
    }

    public bool Contains(int tag) => _entries.ContainsKey(tag);

    /// <summary>Returns a STRING tag, the first element of an I18NSTRING or STRING_ARRAY, or null.</summary>
    public string? GetString(int tag)
    {
        if (!_entries.TryGetValue(tag, out var entry))
        {
            return null;
        }

        return entry.Type switch
        {
            RpmTagType.String or RpmTagType.I18nString or RpmTagType.StringArray =>
                ReadStrings(entry, 1)[0],
            _ => throw WrongType(tag, entry.Type),
        };
    }

    /// <summary>Returns a STRING_ARRAY tag, or an empty array when the header lacks it.</summary>
    public string[] GetStringArray(int tag)
    {
        if (!_entries.TryGetValue(tag, out var entry))
        {
            return [];
        }

        return entry.Type is RpmTagType.StringArray or RpmTagType.I18nString or RpmTagType.String
            ? ReadStrings(entry, entry.Count)
            : throw WrongType(tag, entry.Type);
    }

    /// <summary>Returns an integer tag of any width as 64-bit values, or an empty array.</summary>
    public long[] GetIntegers(int tag)
    {
        if (!_entries.TryGetValue(tag, out var entry))
        {
            return [];
        }

        var data = Data.Slice(entry.Offset);
        var values = new long[entry.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = entry.Type switch
            {
                RpmTagType.Char or RpmTagType.Int8 => data[i],
                RpmTagType.Int16 => BinaryPrimitives.ReadUInt16BigEndian(data[(i * 2)..]),
                RpmTagType.Int32 => BinaryPrimitives.ReadUInt32BigEndian(data[(i * 4)..]),
                RpmTagType.Int64 => BinaryPrimitives.ReadInt64BigEndian(data[(i * 8)..]),
                _ => throw WrongType(tag, entry.Type),
            };
        }

        return values;
    }

    /// <summary>Returns the first value of an integer tag, or null when the header lacks it.</summary>
    public long? GetInteger(int tag)
    {
        var values = GetIntegers(tag);
        return values.Length == 0 ? null : values[0];
    }

    /// <summary>Returns a BIN tag's bytes, or null when the header lacks it.</summary>
    public byte[]? GetBinary(int tag)
    {
        if (!_entries.TryGetValue(tag, out var entry))
        {
            return null;
        }

        return entry.Type == RpmTagType.Binary
            ? Data.Slice(entry.Offset, entry.Count).ToArray()
            : throw WrongType(tag, entry.Type);
    }

    private ReadOnlySpan<byte> Data => _blob.AsSpan(_dataStart, _dataLength);

    private string[] ReadStrings(Entry entry, int count)
    {
        var strings = new string[count];
        var data = Data.Slice(entry.Offset);
        for (var i = 0; i < count; i++)
        {
            // CheckBounds has already found a NUL for every string of the entry.
            var end = data.IndexOf((byte)0);
            strings[i] = Encoding.UTF8.GetString(data[..end]);
            data = data[(end + 1)..];
        }

        return strings;
    }

    private static Entry ReadEntry(ReadOnlySpan<byte> bytes)
    {
        var tag = BinaryPrimitives.ReadInt32BigEndian(bytes);
        var type = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
        var offset = BinaryPrimitives.ReadInt32BigEndian(bytes[8..]);
        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]);
        if (type > (uint)RpmTagType.I18nString)
        {
            throw new InvalidDataException($"The rpm header entry for tag '{tag}' has unknown type '{type}'.");
        }

        if (count is 0 or > MaxDataLength || offset < 0)
        {
            throw new InvalidDataException(
                $"The rpm header entry for tag '{tag}' has count '{count}' at offset '{offset}'.");
        }

        return new Entry(tag, (RpmTagType)type, offset, (int)count);
    }

    private static void CheckBounds(ReadOnlySpan<byte> data, Entry entry)
    {
        if (entry.Offset > data.Length)
        {
            throw OutOfRange(entry, data.Length);
        }

        var rest = data[entry.Offset..];
        var width = entry.Type switch
        {
            RpmTagType.Null => 0,
            RpmTagType.Char or RpmTagType.Int8 or RpmTagType.Binary => 1,
            RpmTagType.Int16 => 2,
            RpmTagType.Int32 => 4,
            RpmTagType.Int64 => 8,
            _ => -1,
        };

        if (width >= 0)
        {
            if ((long)width * entry.Count > rest.Length)
            {
                throw OutOfRange(entry, data.Length);
            }

            return;
        }

        if (entry.Type == RpmTagType.String && entry.Count != 1)
        {
            throw new InvalidDataException(
                $"The rpm header STRING entry for tag '{entry.Tag}' has count '{entry.Count}' instead of 1.");
        }

        for (var i = 0; i < entry.Count; i++)
        {
            var end = rest.IndexOf((byte)0);
            if (end < 0)
            {
                throw OutOfRange(entry, data.Length);
            }

            rest = rest[(end + 1)..];
        }
    }

    private static InvalidDataException OutOfRange(Entry entry, int dataLength) =>
        new($"The rpm header entry for tag '{entry.Tag}' ({entry.Count} x {entry.Type} at offset " +
            $"'{entry.Offset}') runs past the {dataLength}-byte data store.");

    private static InvalidDataException WrongType(int tag, RpmTagType type) =>
        new($"The rpm header tag '{tag}' has type '{type}', which this tag never has.");

    private readonly record struct Entry(int Tag, RpmTagType Type, int Offset, int Count);
}

/// <summary>Data types of header entries, numbered as rpm's rpmTagType_e numbers them.</summary>
internal enum RpmTagType
{
    Null = 0,
    Char = 1,
    Int8 = 2,
    Int16 = 3,
    Int32 = 4,
    Int64 = 5,
    String = 6,
    Binary = 7,
    StringArray = 8,
    I18nString = 9,
}

/// <summary>The header tags that the inventory reads, numbered as rpm's rpmTag_e numbers them.</summary>
internal static class RpmTag
{
    public const int SigMd5 = 261;
    public const int Name = 1000;
    public const int Version = 1001;
    public const int Release = 1002;
    public const int Epoch = 1003;
    public const int Summary = 1004;
    public const int Size = 1009;
    public const int Vendor = 1011;
    public const int License = 1014;
    public const int Arch = 1022;
    public const int OldFileNames = 1027;
    public const int SourceRpm = 1044;
    public const int DirIndexes = 1116;
    public const int BaseNames = 1117;
    public const int DirNames = 1118;
    public const int LongSize = 5009;
    public const int ModularityLabel = 5096;
}
