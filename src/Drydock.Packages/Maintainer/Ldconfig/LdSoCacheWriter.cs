using System.Buffers.Binary;
using System.Text;

namespace Drydock.Packages.Maintainer.Ldconfig;

/// <summary>One library in ld.so.cache: the name the loader looks up, its path and flags.</summary>
internal sealed record CacheEntry(string Soname, string Path, int Flags);

/// <summary>
/// Writes ld.so.cache in the format glibc 2.36's ldconfig writes by default
/// (<c>glibc-ld.so.cache1.1</c>, elf/cache.c and sysdeps/generic/dl-cache.h): a 48-byte header,
/// 24-byte entries, the string table and an extension directory holding the generator string.
/// </summary>
internal static class LdSoCacheWriter
{
    private const int HeaderSize = 48;
    private const int EntrySize = 24;
    private const byte FlagsEndianLittle = 2;
    private const uint ExtensionMagic = 0xeaa42174;
    private const uint TagGenerator = 0;

    // sizeof (struct cache_extension) with room for both tags (generator and glibc-hwcaps).
    private const int ExtensionDirectorySize = 8 + (2 * 16);

    /// <param name="entries">Entries in the order of <see cref="Sort"/>.</param>
    /// <param name="generator">
    /// The generator text, such as <c>ldconfig (Debian GLIBC 2.36-9) stable release version 2.36</c>.
    /// </param>
    public static byte[] Write(IReadOnlyList<CacheEntry> entries, string generator)
    {
        var strings = new CacheStringTable();
        foreach (var entry in entries)
        {
            strings.Add(entry.Path);
            strings.Add(entry.Soname);
        }

        var table = strings.Finish();
        var stringsStart = HeaderSize + (entries.Count * EntrySize);
        var extensionOffset = (stringsStart + table.Length + 3) & ~3;
        var generatorBytes = Encoding.UTF8.GetBytes(generator);
        // Without a glibc-hwcaps section the generator follows a directory of one section.
        var generatorOffset = extensionOffset + ExtensionDirectorySize - 16;
        var output = new byte[generatorOffset + generatorBytes.Length];
        var span = output.AsSpan();

        "glibc-ld.so.cache1.1"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)table.Length);
        span[28] = FlagsEndianLittle;
        BinaryPrimitives.WriteUInt32LittleEndian(span[32..], (uint)extensionOffset);
        for (var i = 0; i < entries.Count; i++)
        {
            var slot = span[(HeaderSize + (i * EntrySize))..];
            BinaryPrimitives.WriteInt32LittleEndian(slot, entries[i].Flags);
            var key = stringsStart + strings.OffsetOf(entries[i].Soname);
            var value = stringsStart + strings.OffsetOf(entries[i].Path);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[4..], (uint)key);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[8..], (uint)value);
        }

        table.CopyTo(span[stringsStart..]);
        var extension = span[extensionOffset..];
        BinaryPrimitives.WriteUInt32LittleEndian(extension, ExtensionMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(extension[4..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(extension[8..], TagGenerator);
        BinaryPrimitives.WriteUInt32LittleEndian(extension[16..], (uint)generatorOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(extension[20..], (uint)generatorBytes.Length);
        generatorBytes.CopyTo(span[generatorOffset..]);
        return output;
    }

    /// <summary>
    /// Orders entries as add_to_cache keeps its list: by soname in descending
    /// <see cref="CompareLibraryNames"/> order, then by descending flags; entries that compare
    /// equal keep the order they were added in.
    /// </summary>
    public static List<CacheEntry> Sort(IEnumerable<CacheEntry> entries) =>
        [.. entries.OrderBy(e => e, Comparer<CacheEntry>.Create((a, b) =>
        {
            var byName = CompareLibraryNames(b.Soname, a.Soname);
            return byName != 0 ? byName : b.Flags.CompareTo(a.Flags);
        }))];

    /// <summary>
    /// _dl_cache_libcmp (elf/dl-cache.c): runs of digits compare by value, a digit sorts after
    /// any other character, and other characters compare as signed chars.
    /// </summary>
    public static int CompareLibraryNames(string left, string right)
    {
        var p1 = Encoding.UTF8.GetBytes(left);
        var p2 = Encoding.UTF8.GetBytes(right);
        int i = 0, j = 0;
        while (i < p1.Length)
        {
            var c1 = p1[i];
            var c2 = j < p2.Length ? p2[j] : (byte)0;
            if (IsDigit(c1))
            {
                if (!IsDigit(c2))
                {
                    return 1;
                }

                int value1 = 0, value2 = 0;
                while (i < p1.Length && IsDigit(p1[i]))
                {
                    value1 = unchecked((value1 * 10) + p1[i++] - '0');
                }

                while (j < p2.Length && IsDigit(p2[j]))
                {
                    value2 = unchecked((value2 * 10) + p2[j++] - '0');
                }

                if (value1 != value2)
                {
                    return value1 - value2;
                }
            }
            else if (IsDigit(c2))
            {
                return -1;
            }
            else if (c1 != c2)
            {
                return (sbyte)c1 - (sbyte)c2;
            }
            else
            {
                i++;
                j++;
            }
        }

        return -(j < p2.Length ? (sbyte)p2[j] : 0);
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';
}
